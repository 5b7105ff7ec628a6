import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../../domain/shared/caller.js';
import { principal } from './authentication.js';

/** Printable ASCII without spaces, as the Idempotency-Key draft's examples and most clients send. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The caller's `Idempotency-Key`, scoped to the caller (two callers' keys never meet); undefined when none was sent. */
export function idempotencyKeyOf(request: FastifyRequest): { readonly given: string; readonly scoped: string } | undefined {
  const header = request.headers['idempotency-key'];
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) return undefined;
  return { given: header, scoped: `${principal(request).id}:${header}` };
}

const drawn = new WeakMap<FastifyRequest, string>();

/**
 * The caller of a command or query: the verified principal, the request's correlation id, and the
 * command's identity — the `Idempotency-Key` header (a retry with the same key repeats nothing), or
 * else a fresh random id drawn once per request. The correlation id is the client's to choose and
 * never enters a command's identity.
 */
export function callerOf(request: FastifyRequest): Caller {
  const who = principal(request);
  let idempotencyKey = idempotencyKeyOf(request)?.scoped ?? drawn.get(request);
  if (idempotencyKey === undefined) {
    idempotencyKey = `request:${randomUUID()}`;
    drawn.set(request, idempotencyKey);
  }
  return {
    actor: { id: who.id, role: who.role, organisation: who.organisation },
    ...(who.municipality === undefined ? {} : { municipality: who.municipality }),
    correlationId: String(request.id),
    causationId: String(request.id),
    idempotencyKey,
  };
}
