/** How events sit in the embedded store's rows, and how a row becomes a RecordedEvent. */
import type { EventMetadata, JsonObject, RecordedEvent } from '../../../domain/ports/event-store.js';

/** A row as read, in COLUMNS order (statements return arrays: measured ~40% faster than objects). The hash is
 * read as hex text made by SQLite: a Buffer per row cost readAll ~15% over 1,000,000 events. */
export type EventRow = readonly [
  position: number,
  eventId: string,
  stream: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
  /** 32 bytes (schema version 2), or 64 hex characters in a version 1 file read as it is. */
  hash: Uint8Array | string,
];

// A version 1 file (read as it is by `ledger verify`) holds the hex text itself.
export const COLUMNS = "position, event_id, stream, revision, type, data, metadata, iif(typeof(hash) = 'blob', lower(hex(hash)), hash)";

/**
 * An event read from the file. Its data and metadata are parsed on first use: most readers of the
 * log look at few of the events they pass (a projection folds only the types it handles; the
 * registry reactor acts on two; the log tree needs only the hash), and parsing eagerly costs about
 * a fifth of readAll's throughput for the metadata alone (docs/performance.md).
 */
class StoredEvent implements RecordedEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly type: string;
  #dataText: string;
  #data: JsonObject | undefined;
  #metadataText: string;
  #hash: Uint8Array | string;
  #metadata: EventMetadata | undefined;

  constructor(row: readonly [...EventRow, ...unknown[]]) {
    this.position = BigInt(row[0]);
    this.id = row[1];
    this.stream = row[2];
    this.revision = BigInt(row[3]);
    this.type = row[4];
    this.#dataText = row[5];
    this.#metadataText = row[6];
    this.#hash = row[7];
  }

  get data(): JsonObject {
    this.#data ??= JSON.parse(this.#dataText) as JsonObject;
    return this.#data;
  }

  get metadata(): EventMetadata {
    this.#metadata ??= { ...JSON.parse(this.#metadataText), hash: hashHex(this.#hash) };
    return this.#metadata as EventMetadata;
  }
}

export function toRecordedEvent(row: readonly [...EventRow, ...unknown[]]): RecordedEvent {
  return new StoredEvent(row);
}


/** A stored hash as the envelope's hex text. */
export function hashHex(stored: Uint8Array | string): string {
  return typeof stored === 'string' ? stored : Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString('hex');
}
