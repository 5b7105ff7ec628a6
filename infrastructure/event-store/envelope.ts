/**
 * The tamper-evident envelope, shared by every adapter.
 *
 * hash = SHA-256 over the RFC 8785 canonical JSON of
 *   { stream, revision, type, data, metadata-without-hash }
 * where `revision` is the decimal string of the bigint revision (JSON numbers cannot carry a bigint
 * exactly) and `metadata.prevHash` is the previous event's hash in the stream, or GENESIS_HASH.
 *
 * Adapters store the canonical texts produced here, so what is hashed is exactly what is stored.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventMetadata, JsonObject, NewEvent, StreamRevision } from '../../domain/ports/event-store.js';

export const GENESIS_HASH = '0'.repeat(64);

export type MetadataWithoutHash = Omit<EventMetadata, 'hash'>;

export interface SealedEvent {
  readonly id: string;
  readonly type: string;
  readonly revision: StreamRevision;
  /** Canonical JSON of the event data. */
  readonly dataText: string;
  /** Canonical JSON of the metadata without `hash` (prevHash included). */
  readonly metadataText: string;
  readonly metadata: EventMetadata;
}

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

/**
 * The canonical JSON of the whole hashed object, composed from already-canonical parts. The keys
 * "data" < "metadata" < "revision" < "stream" < "type" are in RFC 8785 order (a unit test checks
 * this composition against canonicalising the whole object).
 */
export function hashInput(stream: string, revision: StreamRevision, type: string, dataText: string, metadataText: string): string {
  return `{"data":${dataText},"metadata":${metadataText},"revision":"${revision.toString()}","stream":${JSON.stringify(stream)},"type":${JSON.stringify(type)}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function computeHash(stream: string, revision: StreamRevision, type: string, dataText: string, metadataText: string): string {
  return sha256Hex(hashInput(stream, revision, type, dataText, metadataText));
}

/** Seals a batch that starts at `firstRevision`, chaining from `prevHash`. */
export function sealEvents(
  stream: string,
  firstRevision: StreamRevision,
  prevHash: string,
  events: readonly NewEvent[],
  recordedAt: string,
): SealedEvent[] {
  const sealed: SealedEvent[] = [];
  let previous = prevHash;
  events.forEach((event, index) => {
    const revision = firstRevision + BigInt(index);
    const withoutHash: MetadataWithoutHash = {
      ...event.metadata,
      recordedAt,
      schemaVersion: event.schemaVersion,
      prevHash: previous,
    };
    const dataText = canonicalJson(event.data);
    const metadataText = canonicalJson(withoutHash);
    const hash = computeHash(stream, revision, event.type, dataText, metadataText);
    sealed.push({ id: event.id, type: event.type, revision, dataText, metadataText, metadata: { ...withoutHash, hash } });
    previous = hash;
  });
  return sealed;
}

/** Recomputes the hash of an event read back from a store. */
export function rehash(event: {
  readonly stream: string;
  readonly revision: StreamRevision;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
}): string {
  const { hash: _ignored, ...withoutHash } = event.metadata;
  return computeHash(event.stream, event.revision, event.type, canonicalJson(event.data), canonicalJson(withoutHash));
}
