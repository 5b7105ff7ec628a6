/**
 * A command the store could not record just now (its write lock held by another process, the disk
 * full, the file read-only, an I/O error): 503 with `Retry-After`, and the reason. Nothing of the
 * command was written, so giving it again (with the same Idempotency-Key) is safe.
 */
import type { FastifyReply } from 'fastify';
import type { StoreUnavailable, StoreUnavailableReason } from '../../domain/ports/event-store.js';
import { problem, sendProblem } from './problem.js';

const DETAILS: Record<StoreUnavailableReason, string> = {
  'store-locked': 'The event store is locked by another process.',
  'disk-full': 'The event store has no space left to write.',
  'read-only': 'The event store cannot be written (read-only).',
  'io-error': 'The event store could not write (input/output error).',
};

export function sendStoreUnavailable(reply: FastifyReply, error: StoreUnavailable): FastifyReply {
  void reply.header('retry-after', String(error.retryAfterSeconds));
  const detail = `${DETAILS[error.reason]} Nothing was recorded; retry after ${error.retryAfterSeconds} s.`;
  return sendProblem(reply, problem(503, 'store-unavailable', 'Store unavailable', detail, { reason: error.reason }));
}
