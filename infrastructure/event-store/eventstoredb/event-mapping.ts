/**
 * Ledger events to and from EventStoreDB records.
 *
 * Written: a JSON event whose data is the sealed data (the client serialises it with JSON.stringify,
 * so integer-like keys may come out in JavaScript's order rather than RFC 8785's) and whose metadata
 * is the canonical JSON of the full EventMetadata (hash included), sent as bytes. Read back: the
 * client has parsed both, and rehash() canonicalises the parsed values again, so the stored key
 * order does not matter to verification.
 */
import type { EventData, RecordedEvent as EsdbRecordedEvent, JSONType } from '@eventstore/db-client';
import type { EventMetadata, JsonObject, RecordedEvent } from '../../../domain/ports/event-store.js';
import { canonicalJson, type SealedEvent } from '../envelope.js';
import { toLedgerPosition } from './positions.js';

const utf8 = new TextEncoder();

export function toEventData(event: SealedEvent): EventData {
  return {
    id: event.id,
    contentType: 'application/json',
    type: event.type,
    data: JSON.parse(event.dataText) as JSONType,
    // A Uint8Array is sent as is; anything else the client would JSON.stringify itself.
    metadata: utf8.encode(canonicalJson(event.metadata)),
  };
}

/** System events: stats, stream metadata ($metadata), projection link events ($>) and the like. */
export function isLedgerEvent(event: { readonly type: string; readonly streamId: string }): boolean {
  return !event.type.startsWith('$') && !event.streamId.startsWith('$');
}

export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  const what = `event ${event.revision}@${event.streamId}`;
  return {
    id: event.id,
    stream: event.streamId,
    revision: event.revision,
    position: toLedgerPosition(event.position, what),
    type: event.type,
    data: jsonObject(event.data, `data of ${what}`),
    metadata: jsonObject(event.metadata, `metadata of ${what}`) as unknown as EventMetadata,
  };
}

function jsonObject(value: unknown, what: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    throw new TypeError(`${what} is not a JSON object: not a ledger event`);
  }
  return value as JsonObject;
}
