/**
 * Event ids are derived from the command's idempotency key, so a retried command produces the same
 * ids and the store's idempotent re-append writes nothing new. Name-based UUIDs (RFC 9562 v5) over
 * "<idempotencyKey>\n<stream>\n<index>" keep ids distinct per stream and per event of one command.
 * Every command derives several, so the UUID is computed here with node:crypto's SHA-1 directly
 * (the `uuid` package's v5 converts the name to bytes in JavaScript first; a test holds the two equal).
 */
import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

/** A fixed namespace for jpki-ledger event ids (itself a v5 UUID of "jpki-ledger/event-id" in the URL namespace). */
export const EVENT_ID_NAMESPACE = uuidv5('jpki-ledger/event-id', uuidv5.URL);
const NAMESPACE_BYTES = Buffer.from(EVENT_ID_NAMESPACE.replaceAll('-', ''), 'hex');

export function deriveEventId(idempotencyKey: string, stream: string, index: number): string {
  const hash = createHash('sha1').update(NAMESPACE_BYTES).update(`${idempotencyKey}\n${stream}\n${index}`, 'utf8').digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50; // version 5
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
