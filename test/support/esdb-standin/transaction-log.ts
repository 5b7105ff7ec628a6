/**
 * The stand-in's storage: one in-memory transaction log, kept the way EventStoreDB keeps its own.
 *
 * - Every event is one record whose position is the log offset where it starts; the writer advances
 *   by the record's size in bytes, so positions are sparse and grow with payload size. An event's
 *   $all position is (commit, prepare) = (its offset, its offset), as for appends on a real node.
 * - An append checks the expected revision the way the server's IndexWriter.CheckCommit does,
 *   idempotency included: re-sent ids at the revisions they were written at, or with `any` /
 *   `stream_exists` when the ids are already in the stream, succeed without writing; a different
 *   expectation gets WrongExpectedVersion with the stream's current revision. Like the server, it
 *   appends ids it has already stored when the expected revision is the current one. (A real node
 *   looks ids up for `any` in a bounded cache; this log remembers all of them.)
 */
export interface LogRecord {
  readonly position: bigint;
  readonly stream: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch, as the server reports `created`. */
  readonly created: bigint;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export type Expected =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

export type AppendOutcome =
  | { readonly kind: 'success'; readonly lastRevision: bigint | undefined; readonly position: bigint | undefined }
  /** `current` is undefined when the stream does not exist. */
  | { readonly kind: 'wrong-expected-version'; readonly current: bigint | undefined };

type Decision = { readonly kind: 'write' } | { readonly kind: 'idempotent'; readonly last: LogRecord } | { readonly kind: 'wrong' };

/** Bytes a prepare record takes besides its strings and payloads (header, ids, positions, length prefix and suffix). */
const RECORD_OVERHEAD = 87;
const TICKS_PER_MS = 10_000n;
const utf8 = new TextEncoder();

export class TransactionLog {
  private readonly log: LogRecord[] = [];
  private readonly streams = new Map<string, LogRecord[]>();
  private readonly byId = new Map<string, LogRecord>();
  /** Where the next record will start. */
  private writer = 0n;
  private readonly listeners = new Set<(written: readonly LogRecord[]) => void>();

  /** All records in log order; only ever grows at the end. */
  get records(): readonly LogRecord[] {
    return this.log;
  }

  stream(name: string): readonly LogRecord[] | undefined {
    return this.streams.get(name);
  }

  append(stream: string, events: readonly ProposedEvent[], expected: Expected): AppendOutcome {
    const existing = this.streams.get(stream) ?? [];
    const current = existing.at(-1)?.revision;
    const decision = this.check(existing, events, expected);
    if (decision.kind === 'wrong') return { kind: 'wrong-expected-version', current };
    if (decision.kind === 'idempotent') return { kind: 'success', lastRevision: decision.last.revision, position: decision.last.position };
    if (events.length === 0) return { kind: 'success', lastRevision: current, position: undefined };

    const created = BigInt(Date.now()) * TICKS_PER_MS;
    const written = events.map((event, i) =>
      this.write({ ...event, stream, revision: (current ?? -1n) + 1n + BigInt(i), created, position: this.writer }),
    );
    this.streams.set(stream, [...existing, ...written]);
    for (const listener of [...this.listeners]) listener(written);
    const last = written[written.length - 1] as LogRecord;
    return { kind: 'success', lastRevision: last.revision, position: last.position };
  }

  /** Called after each append that wrote records. */
  onAppend(listener: (written: readonly LogRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Index of the first record at or after (commit, prepare), comparing each record as (position, position). */
  indexFrom(commit: bigint, prepare: bigint): number {
    let low = 0;
    let high = this.log.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const position = (this.log[middle] as LogRecord).position;
      if (position < commit || (position === commit && position < prepare)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** A position can be read from only where a record starts, or at the end of the log. */
  isRecordBoundary(position: bigint): boolean {
    return position === this.writer || this.log[this.indexFrom(position, 0n)]?.position === position;
  }

  private write(record: LogRecord): LogRecord {
    this.log.push(record);
    this.byId.set(record.id, record);
    this.writer += BigInt(RECORD_OVERHEAD + utf8.encode(record.stream).length + utf8.encode(record.type).length + record.data.length + record.metadata.length);
    return record;
  }

  /** EventStoreDB's commit check (IndexWriter.CheckCommit), without deleted streams. */
  private check(existing: readonly LogRecord[], events: readonly ProposedEvent[], expected: Expected): Decision {
    const current = existing.length - 1;
    if (expected.kind === 'stream_exists' && current < 0) return { kind: 'wrong' };
    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      const found = events.map((event) => this.byId.get(event.id));
      const stream = existing[0]?.stream;
      if (found[0] === undefined || found[0].stream !== stream) return { kind: 'write' };
      // Part of the batch already stored, part not: the server calls it corrupted idempotency.
      if (found.some((record) => record === undefined || record.stream !== stream)) return { kind: 'wrong' };
      return { kind: 'idempotent', last: found[found.length - 1] as LogRecord };
    }
    const expectedRevision = expected.kind === 'no_stream' ? -1 : Number(expected.revision);
    if (expectedRevision > current) return { kind: 'wrong' };
    if (expectedRevision === current) return { kind: 'write' };
    if (events.length === 0) return { kind: 'wrong' };
    const same = events.every((event, i) => existing[expectedRevision + 1 + i]?.id === event.id);
    if (!same) return { kind: 'wrong' };
    return { kind: 'idempotent', last: existing[expectedRevision + events.length] as LogRecord };
  }
}
