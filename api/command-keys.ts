/**
 * Command identity at the edge. Every command route (a POST that admits roles) runs under the
 * caller's `Idempotency-Key` when one is sent: the key is bound to the command's fingerprint (route,
 * caller, canonical body, path and query), so the same key with the same request repeats the first
 * reply and writes nothing, and the same key with another request is `422 idempotency-key-reused`.
 * Requests under one key are taken one at a time, so a retry sent while the first attempt still
 * runs waits for it and then repeats its reply (never a 409). Without a key, a command is its own
 * (a fresh random id: `callerOf`), and nothing else the client sends — correlation id, headers —
 * enters its identity.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '../domain/ports/event-store.js';
import type { IdSource } from '../domain/ports/ids.js';
import { underCommandKey, type PendingClaims } from '../domain/shared/command-key.js';
import { conflict } from '../domain/shared/errors.js';
import { canonicalJson } from '../infrastructure/event-store/canonical-json.js';
import { CommandKeyTaken } from '../infrastructure/event-store/claiming-store.js';
import { commandContext } from '../domain/shared/caller.js';
import { callerOf, idempotencyKeyOf } from './auth/caller.js';
import { domainProblem } from './problems/domain-problem.js';
import { problem, sendProblem } from './problems/problem.js';
import { KeyLocks } from './key-locks.js';

export interface CommandKeyOptions {
  readonly store: EventStore;
  readonly ids: IdSource;
  readonly claims: PendingClaims;
}

/** Command routes: every POST that admits roles (public POSTs — OCSP — are queries). */
export function isCommandRoute(route: Pick<RouteOptions, 'method' | 'config'>): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const access = (route.config as { access?: unknown } | undefined)?.access;
  return methods.includes('POST') && access !== undefined && access !== 'public';
}

/** JSON as the request arrived after validation, with the values zod made of it written back as text. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null') as unknown;
}

export function fingerprintOf(request: FastifyRequest): { readonly route: string; readonly fingerprint: string } {
  const route = `${request.method} ${request.routeOptions.url ?? ''}`;
  const what = { route, caller: callerOf(request).actor.id, params: plain(request.params), query: plain(request.query), body: plain(request.body) };
  return { route, fingerprint: createHash('sha256').update(fingerprintText(what), 'utf8').digest('hex') };
}

/**
 * The text a fingerprint hashes: canonical JSON. A body with a lone surrogate — which reaches a
 * command only on a route that judges its items' text itself (the batch) — has none; JSON.stringify's
 * escapes, members sorted, keep it apart from every other body.
 */
function fingerprintText(what: unknown): string {
  try {
    return canonicalJson(what);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const sorted = (_key: string, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v);
    return `escaped:${JSON.stringify(what, sorted)}`;
  }
}

/** A body nested too deeply to fingerprint (thousands of levels; no route's body is more than a few deep). */
const tooDeep = () =>
  problem(400, 'invalid-request', 'Invalid request', 'The request has invalid or missing fields: body.', { errors: [{ field: 'body', message: 'is nested too deeply' }] });

const badKey = () =>
  problem(400, 'invalid-request', 'Invalid request', 'The request has invalid or missing fields: header.idempotency-key.', {
    errors: [{ field: 'header.idempotency-key', message: 'must be 1 to 200 printable ASCII characters without spaces' }],
  });

async function commandKeys(app: FastifyInstance, options: CommandKeyOptions): Promise<void> {
  const locks = new KeyLocks();
  app.addHook('onRoute', (route) => {
    if (!isCommandRoute(route)) return;
    const handler = route.handler as RouteHandlerMethod;
    route.handler = async function keyed(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const key = idempotencyKeyOf(request);
      if (key === undefined) {
        if (request.headers['idempotency-key'] !== undefined) return sendProblem(reply, badKey());
        return handler.call(this, request, reply);
      }
      return locks.run(key.scoped, async () => {
        let fingerprinted;
        try {
          fingerprinted = fingerprintOf(request);
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          return sendProblem(reply, tooDeep());
        }
        const { route: name, fingerprint } = fingerprinted;
        const command = { idempotencyKey: key.scoped, fingerprint, route: name, metadata: commandContext(callerOf(request)) };
        let outcome;
        try {
          outcome = await underCommandKey(options, command, async () => (await handler.call(this, request, reply)) as unknown);
        } catch (error) {
          // Another process claimed the key between our read and our append: the client retries,
          // and the retry is either this command's repeat or refused as another.
          if (!(error instanceof CommandKeyTaken)) throw error;
          outcome = E.left(conflict(error.idempotencyKey));
        }
        if (E.isRight(outcome)) return outcome.right;
        const problem = domainProblem(outcome.left);
        return sendProblem(reply, outcome.left.rule === 'idempotency-key-reused' ? { ...problem, idempotencyKey: key.given } : problem);
      });
    };
  });
}

export const commandKeysPlugin = fp(commandKeys, { name: 'command-keys' });
