/**
 * Event ids are derived from the command's idempotency key, so a retried command produces the same
 * ids and the store's idempotent re-append writes nothing new. Name-based UUIDs (RFC 9562 v5) over
 * "<idempotencyKey>\n<stream>\n<index>" keep ids distinct per stream and per event of one command.
 */
import { v5 as uuidv5 } from 'uuid';

/** A fixed namespace for jpki-ledger event ids (itself a v5 UUID of "jpki-ledger/event-id" in the URL namespace). */
export const EVENT_ID_NAMESPACE = uuidv5('jpki-ledger/event-id', uuidv5.URL);

export function deriveEventId(idempotencyKey: string, stream: string, index: number): string {
  return uuidv5(`${idempotencyKey}\n${stream}\n${index}`, EVENT_ID_NAMESPACE);
}
