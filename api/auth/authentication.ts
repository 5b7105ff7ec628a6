/**
 * Authentication and role checks for every route.
 *
 * Each route declares `config.access`: `'public'` or `{ roles: [...] }` with at least one role. A route
 * that declares neither makes the app refuse to start. Non-public routes verify the bearer token
 * (@fastify/jwt, HS256), check its registered claims (`registered-claims.ts`: issuer, bounded
 * lifetime, nothing far in the future), parse its own claims, and admit only the declared roles:
 * 401 without or with a bad token (naming the registered claim at fault, if one is), 403 with the
 * wrong role, both problem+json.
 */
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../../domain/shared/roles.js';
import { TOKEN_ALGORITHM } from '../../infrastructure/auth/token-signer.js';
import { problem, sendProblem } from '../problems/problem.js';
import { claimsSchema, principalOf, type Principal } from './claims.js';
import { checkRegisteredClaims, type TokenRules } from './registered-claims.js';

export type RouteAccess = 'public' | { readonly roles: readonly Role[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /**
     * Principals of tokens this app has admitted (signature and every claim checked), by
     * Authorization header, until the token's `exp`.
     */
    verifiedTokens: Map<string, { readonly principal: Principal; readonly until: number }>;
    tokenRules: TokenRules;
  }
}

/** Tokens remembered at most; the map is emptied when full. */
const VERIFIED_TOKENS = 10_000;

export interface AuthenticationOptions extends TokenRules {
  readonly secret: string;
}

export class RouteWithoutAccessError extends Error {
  constructor(method: string, url: string) {
    super(`route ${method} ${url} declares no access: set config.access to 'public' or { roles: [...] } with at least one role`);
    this.name = 'RouteWithoutAccessError';
  }
}

function unauthenticated(reply: FastifyReply, detail: string, extensions: Record<string, unknown> = {}): FastifyReply {
  void reply.header('www-authenticate', 'Bearer');
  return sendProblem(reply, problem(401, 'unauthenticated', 'Authentication required', detail, extensions));
}

/**
 * The same check for part of a public route (a query only some roles may ask): true when admitted;
 * otherwise the 401 or 403 has been sent.
 */
export async function admitted(request: FastifyRequest, reply: FastifyReply, roles: readonly Role[]): Promise<boolean> {
  await admitting(roles).call(request.server, request, reply, () => undefined);
  return !reply.sent;
}

function admitting(roles: readonly Role[]): onRequestHookHandler {
  return async function authorise(request: FastifyRequest, reply: FastifyReply) {
    const authorization = request.headers.authorization;
    if (authorization === undefined) {
      return unauthenticated(reply, 'This route needs a bearer token in the Authorization header.');
    }
    // The same token again (a relying party's status queries): its signature and claims were checked,
    // and it is remembered only until its `exp`.
    const verified = request.server.verifiedTokens;
    let principal = verified.get(authorization);
    if (principal === undefined || principal.until <= Date.now()) {
      verified.delete(authorization);
      let payload: unknown;
      try {
        payload = await request.jwtVerify();
      } catch {
        return unauthenticated(reply, 'The bearer token is malformed or not signed by this ledger.');
      }
      if (typeof payload !== 'object' || payload === null) return unauthenticated(reply, 'The bearer token’s payload is not a JSON object.');
      const verdict = checkRegisteredClaims(payload as Record<string, unknown>, request.server.tokenRules, Date.now());
      if (!verdict.admitted) return unauthenticated(reply, verdict.detail, { claim: verdict.claim });
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) return unauthenticated(reply, 'The bearer token’s claims are incomplete or invalid.');
      principal = { principal: principalOf(claims.data), until: verdict.expiresAtMs };
      if (verified.size >= VERIFIED_TOKENS) verified.clear();
      verified.set(authorization, principal);
    }
    return admit(request, reply, roles, principal.principal);
  };
}

function admit(request: FastifyRequest, reply: FastifyReply, roles: readonly Role[], principal: Principal): FastifyReply | undefined {
  if (!roles.includes(principal.role)) {
    return sendProblem(reply, problem(403, 'forbidden', 'Forbidden', `The role ${principal.role} may not use this route; it admits ${roles.join(', ')}.`));
  }
  request.principal = principal;
  return undefined;
}

function withAccessCheck(route: RouteOptions): void {
  const access = route.config?.access;
  const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
  if (access === undefined || (access !== 'public' && access.roles.length === 0)) {
    throw new RouteWithoutAccessError(method, route.url);
  }
  if (access === 'public') return;
  const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
  route.onRequest = [admitting(access.roles), ...existing];
}

async function authentication(app: FastifyInstance, options: AuthenticationOptions): Promise<void> {
  await app.register(fastifyJwt, {
    secret: options.secret,
    // fast-jwt checks the algorithm and the signature only; the registered claims are checked by
    // checkRegisteredClaims, which names the claim at fault. Admitted principals are remembered by the
    // access check (one cache, bounded by each token's exp).
    verify: { algorithms: [TOKEN_ALGORITHM], ignoreExpiration: true, ignoreNotBefore: true },
  });
  app.decorateRequest('principal', null);
  app.decorate('verifiedTokens', new Map());
  app.decorate('tokenRules', { issuer: options.issuer, maxLifetimeSeconds: options.maxLifetimeSeconds });
  app.addHook('onRoute', withAccessCheck);
}

export const authenticationPlugin = fp(authentication, { name: 'authentication' });

/** The caller of a non-public route (set by the access check before the handler runs). */
export function principal(request: FastifyRequest): Principal {
  if (request.principal === null) throw new Error('principal() called on a route without an access check');
  return request.principal;
}
