import type { FastifyRequest } from 'fastify';
import type { Caller } from '../../domain/shared/caller.js';
import { principal } from './authentication.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * The caller of a command or query: the verified principal, the request's correlation id, and the
 * `Idempotency-Key` header (a retry with the same key repeats nothing); without one, each request
 * is its own command.
 */
export function callerOf(request: FastifyRequest): Caller {
  const who = principal(request);
  const header = request.headers['idempotency-key'];
  const idempotencyKey = typeof header === 'string' && IDEMPOTENCY_KEY.test(header) ? `${who.id}:${header}` : `request:${request.id}`;
  return {
    actor: { id: who.id, role: who.role, organisation: who.organisation },
    ...(who.municipality === undefined ? {} : { municipality: who.municipality }),
    correlationId: String(request.id),
    causationId: String(request.id),
    idempotencyKey,
  };
}
