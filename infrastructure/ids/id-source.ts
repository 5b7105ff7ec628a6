import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { HolderRefs, IdSource } from '../../domain/ports/ids.js';
import { deriveEventId } from '../event-store/event-ids.js';

/** 127 bits from the CSPRNG: first byte 01–7F, so the DER INTEGER is positive, never zero, always 16 bytes. */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) % 0x7f) + 1;
  return bytes.toString('hex').toUpperCase();
}

export const idSource: IdSource = {
  newId: () => randomUUID(),
  eventId: deriveEventId,
  serialNumber: randomSerialNumber,
};

/** holderRef = HMAC-SHA-256(key, resident record code), hex. */
export function hmacHolderRefs(key: string): HolderRefs {
  return { of: (residentRecordCode) => createHmac('sha256', key).update(residentRecordCode, 'utf8').digest('hex') };
}

/** Staff as reports show them: `actor-` and 12 hex of HMAC-SHA-256(key, "actor:" ‖ id) — stable, not reversible without the key. */
export function hmacActorPseudonyms(key: string): (actorId: string) => string {
  return (actorId) => `actor-${createHmac('sha256', key).update(`actor:${actorId}`, 'utf8').digest('hex').slice(0, 12)}`;
}
