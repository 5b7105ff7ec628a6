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
import { hash } from 'node:crypto';
import type { EventMetadata, JsonObject, NewEvent, StreamRevision } from '../../domain/ports/event-store.js';
import { canonicalJson } from './canonical-json.js';

export { canonicalJson };

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

/**
 * The canonical JSON of the whole hashed object, composed from already-canonical parts. The keys
 * "data" < "metadata" < "revision" < "stream" < "type" are in RFC 8785 order (a unit test checks
 * this composition against canonicalising the whole object).
 */
export function hashInput(stream: string, revision: StreamRevision, type: string, dataText: string, metadataText: string): string {
  return `{"data":${dataText},"metadata":${metadataText},"revision":"${revision.toString()}","stream":${canonicalJson(stream)},"type":${canonicalJson(type)}}`;
}

/** One-shot hashing (Node ≥ 20.12): no Hash object per call, which matters at two hashes per event. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

export function sha256Bytes(text: string): Buffer {
  return hash('sha256', text, 'buffer');
}

export function computeHash(stream: string, revision: StreamRevision, type: string, dataText: string, metadataText: string): string {
  return sha256Hex(hashInput(stream, revision, type, dataText, metadataText));
}

/**
 * The envelope's metadata, built from exactly the fields the envelope defines (anything else a
 * caller passes is not stored), with its keys listed in RFC 8785 order so that its JSON.stringify
 * is its canonical JSON (a unit test checks this against canonicalJson).
 */
export function envelopeMetadata(
  input: NewEvent['metadata'],
  schemaVersion: number,
  recordedAt: string,
  prevHash: string,
): { readonly metadata: MetadataWithoutHash; readonly text: string } {
  const { actor, correlationId, causationId, idempotencyKey } = input;
  const actorFields = { id: actor.id, organisation: actor.organisation, role: actor.role };
  // Two literals rather than a conditional spread: this runs for every event appended.
  const metadata: MetadataWithoutHash =
    idempotencyKey === undefined
      ? { actor: actorFields, causationId, correlationId, prevHash, recordedAt, schemaVersion }
      : { actor: actorFields, causationId, correlationId, idempotencyKey, prevHash, recordedAt, schemaVersion };
  // Built in RFC 8785 key order, so one JSON.stringify is the canonical text — unless a string
  // holds a lone surrogate (JSON.stringify escapes it as \udxxx; canonicalJson refuses it).
  let text = JSON.stringify(metadata);
  if (text.includes('\\ud') || !Number.isFinite(schemaVersion)) text = canonicalJson(metadata);
  return { metadata, text };
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
  let revision = firstRevision;
  for (const event of events) {
    const { metadata, text: metadataText } = envelopeMetadata(event.metadata, event.schemaVersion, recordedAt, previous);
    const dataText = canonicalJson(event.data);
    const hash = computeHash(stream, revision, event.type, dataText, metadataText);
    // The text is made; the hash joins the same object (a fresh one, no caller holds it) instead of a copy.
    const withHash = metadata as MetadataWithoutHash & { hash?: string };
    withHash.hash = hash;
    sealed.push({ id: event.id, type: event.type, revision, dataText, metadataText, metadata: withHash as EventMetadata });
    previous = hash;
    revision += 1n;
  }
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
