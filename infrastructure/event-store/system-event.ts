/**
 * Events the ledger records on its own behalf (a CA established, a responder rotated, a CRL
 * issued): the actor is the ledger itself, and the event starts its own correlation.
 */
import type { Either } from 'fp-ts/lib/Either.js';
import type { Actor, AppendResult, EventStore, ExpectedRevision, JsonObject, WrongExpectedRevision } from '../../domain/ports/event-store.js';
import type { IdSource } from '../../domain/ports/ids.js';

export const LEDGER_ACTOR: Actor = { id: 'jpki-ledger', role: 'system', organisation: 'issuing-ca' };

export function appendSystemEvent(
  deps: { readonly store: EventStore; readonly ids: IdSource },
  stream: string,
  type: string,
  data: object,
  expectedRevision: ExpectedRevision,
): Promise<Either<WrongExpectedRevision, AppendResult>> {
  const correlationId = deps.ids.newId();
  return deps.store.append(
    stream,
    [{ id: deps.ids.newId(), type, schemaVersion: 1, data: data as JsonObject, metadata: { actor: LEDGER_ACTOR, correlationId, causationId: correlationId } }],
    { expectedRevision },
  );
}
