/**
 * The embedded event store: one SQLite file (better-sqlite3 v12, WAL), durable by default.
 *
 * Appends run in `BEGIN IMMEDIATE` transactions, so writers from several processes (the server and
 * the `ledger` CLI) serialise on the file and positions are handed out densely in commit order.
 * That is what makes the subscription gap-free: an event at position n+1 can only become visible
 * after the one at n.
 */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type { Clock } from '../../../domain/ports/clock.js';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedRevision,
  GlobalPosition,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
  StoreUnavailableReason,
  WrongExpectedRevision,
} from '../../../domain/ports/event-store.js';
import { StoreUnavailable } from '../../../domain/ports/event-store.js';
import { GENESIS_HASH, sealEvents, sha256Bytes } from '../envelope.js';
import { batchedIterable } from '../batched-iterable.js';
import { expectationMet } from '../expected-revision.js';
import { pollingSubscription } from '../polling-subscription.js';
import { defaultCheckpoints, FALLBACK_PAGES, watchCheckpoints, type Checkpoints, type CheckpointWatch } from './checkpointer.js';
import { LocalTail } from './local-tail.js';
import { COLUMNS, hashHex, toRecordedEvent, type EventRow } from './rows.js';
import { migrate, openPragmas, type Synchronous } from './schema.js';
import { BUSY_TIMEOUT_MS, OPEN_BUSY_TIMEOUT_MS, openFault, retryAfterSeconds, unavailableReason, WRITE_PATIENCE_MS } from './sqlite-faults.js';

const READ_BATCH = 1000;
/** Rows kept for live subscribers in this process: a few seconds of appends at full speed. */
const TAIL_ROWS = 4096;

export interface SqliteEventStoreOptions {
  readonly file: string;
  readonly clock: Clock;
  /** FULL (default) survives power loss; NORMAL may lose the last transactions in WAL mode. */
  readonly synchronous?: Synchronous;
  /** How often a live subscription looks for events appended by another process. */
  readonly pollIntervalMs?: number;
  /** Who copies the WAL back into the database file (checkpointer.ts); by default as the durability suits. */
  readonly checkpoints?: Checkpoints;
}

interface StreamTip {
  readonly revision: number;
  readonly hash: Uint8Array;
}

export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly listeners = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly statements;
  private readonly appendTransaction;
  private readonly appendEachTransaction;
  private readonly tail = new LocalTail(TAIL_ROWS);
  /** Rows the current append wrote, for the tail once it has committed (only while someone follows the log). */
  private committing: { rows: EventRow[]; version: number } | undefined;
  /** How many `readTogether` scopes are open, and whether their shared read transaction is. */
  private together = 0;
  private snapshot = false;
  private readonly checkpoints: CheckpointWatch | undefined;
  private readonly file: string;
  /** Why the last write failed, until one succeeds or a probe shows the cause has passed (`unavailable`). */
  private failing: StoreUnavailableReason | undefined;

  constructor(options: SqliteEventStoreOptions) {
    const synchronous = options.synchronous ?? 'FULL';
    try {
      this.db = new Database(options.file, { timeout: OPEN_BUSY_TIMEOUT_MS });
    } catch (error) {
      throw openFault('the event store', options.file, error);
    }
    try {
      openPragmas(this.db, synchronous, OPEN_BUSY_TIMEOUT_MS);
      migrate(this.db);
      // From now on a lock held elsewhere is waited for asynchronously (`writing`), never for long on this thread.
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    } catch (error) {
      this.db.close();
      throw openFault('the event store', options.file, error);
    }
    this.file = options.file;
    this.clock = options.clock;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    const db = this.db;
    this.statements = {
      tip: db.prepare<[string], StreamTip>('SELECT revision, hash FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1'),
      idsAt: db.prepare<[string, number, number], { event_id: string; position: number }>(
        'SELECT event_id, position FROM events WHERE stream = ? AND revision >= ? AND revision <= ? ORDER BY revision',
      ),
      head: db.prepare<[], { position: number; chain: Uint8Array }>('SELECT position, chain FROM log_head WHERE id = 1'),
      setHead: db.prepare<[number, Uint8Array]>('UPDATE log_head SET position = ?, chain = ? WHERE id = 1'),
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
      insert: db.prepare(
        'INSERT INTO events (position, event_id, stream, revision, type, data, metadata, hash, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      streamForward: db
        .prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`)
        .raw(true),
      streamBackward: db
        .prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
        .raw(true),
      allForward: db
        .prepare<[number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position ASC LIMIT ?`)
        .raw(true),
      allBackward: db
        .prepare<[number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position <= ? ORDER BY position DESC LIMIT ?`)
        .raw(true),
    };
    this.appendTransaction = db.transaction((stream: string, events: readonly NewEvent[], expected: ExpectedRevision) =>
      this.appendInTransaction(stream, events, expected),
    );
    // No SAVEPOINT per request: a request checks its expectation before it writes anything, so a
    // conflict leaves nothing of its own to undo; anything that throws rolls the whole lot back.
    this.appendEachTransaction = db.transaction((requests: readonly AppendRequest[]) =>
      requests.map((request) => this.appendInTransaction(request.stream, request.events, request.expectedRevision)),
    );
    const checkpoints = options.file === ':memory:' ? 'on-commit' : (options.checkpoints ?? defaultCheckpoints(synchronous));
    if (checkpoints !== 'on-commit') this.db.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);
    // Last: nothing after it can fail and leave the thread holding the file.
    if (checkpoints === 'background') this.checkpoints = watchCheckpoints(options.file);
  }

  async append(
    stream: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<E.Either<WrongExpectedRevision, AppendResult>> {
    const result = await this.writing(() => this.committed(() => this.appendTransaction.immediate(stream, events, options.expectedRevision)));
    if (E.isRight(result) && events.length > 0) this.notify();
    return result;
  }

  /** All in one `BEGIN IMMEDIATE` transaction: one commit for the lot; a conflict writes nothing of its own request only. */
  async appendEach(requests: readonly AppendRequest[]): Promise<E.Either<WrongExpectedRevision, AppendResult>[]> {
    if (requests.length === 0) return [];
    const results = await this.writing(() => this.committed(() => this.appendEachTransaction.immediate(requests)));
    if (results.some((result, i) => E.isRight(result) && (requests[i]?.events.length ?? 0) > 0)) this.notify();
    return results;
  }

  /**
   * Runs a write transaction; while another connection holds the lock (another process in a long
   * transaction) it is tried again after a pause that yields the event loop (5 ms doubling), for
   * at most WRITE_PATIENCE_MS in all. A lock still held then, a full disk, a read-only file or an
   * I/O error is `StoreUnavailable`: the transaction was rolled back whole, nothing was written.
   * The first attempt runs at once, so an append on a free store is made before this returns a
   * promise, as before.
   */
  private async writing<T>(transaction: () => T): Promise<T> {
    const deadline = performance.now() + WRITE_PATIENCE_MS;
    let pause = 5;
    for (;;) {
      try {
        const result = transaction();
        this.failing = undefined;
        return result;
      } catch (error) {
        const reason = unavailableReason(error);
        if (reason === undefined) throw error;
        if (reason === 'store-locked' && performance.now() + pause < deadline) {
          await new Promise((resolve) => setTimeout(resolve, pause));
          pause = Math.min(pause * 2, 200);
          continue;
        }
        this.failing = reason;
        throw new StoreUnavailable(reason, retryAfterSeconds(reason), { cause: error });
      }
    }
  }

  /**
   * Why writes are failing, or undefined when they go through. After a failed write, a cheap probe
   * says whether the cause has passed: the write lock can be taken (and given back at once), and
   * for a full disk, the file system has room again and the file is below its page limit. Without
   * a failed write, a full disk is reported all the same.
   */
  async unavailable(): Promise<StoreUnavailableReason | undefined> {
    const reason = this.failing;
    if (!this.db.open) return reason;
    // Nothing has failed yet: a full disk is still worth saying before a command finds it.
    if (reason === undefined) return this.hasRoom() ? undefined : 'disk-full';
    try {
      this.fresh();
      if (this.db.inTransaction) return reason;
      this.db.exec('BEGIN IMMEDIATE');
      this.db.exec('ROLLBACK');
      if (reason === 'disk-full' && !this.hasRoom()) return reason;
    } catch {
      return reason;
    }
    this.failing = undefined;
    return undefined;
  }

  /** Room for at least a few appends: 1 MiB free on the file system, and the file below SQLite's `max_page_count`. */
  private hasRoom(): boolean {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const limit = this.db.pragma('max_page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    if (pages >= limit && free === 0) return false;
    if (this.file === ':memory:') return true;
    const fs = statfsSync(dirname(this.file));
    return fs.bavail * fs.bsize >= 1024 * 1024;
  }

  /**
   * Stream and log reads made while `work` runs share one read transaction, begun at the first of
   * them and ended before any write, before a live subscription or the head is read, and when the
   * work ends. An autocommit read pays for beginning and ending its own (WAL read locks: ~8 µs a
   * read on our VMs, more than the read itself); a process manager that reads a few streams for
   * each of hundreds of items saves that on every read. The reads see the log as it stood at the
   * first of them: for a caller whose every write says what it expects (a stale read then
   * conflicts) and whose connection nobody else uses meanwhile — a worker's own store.
   */
  async readTogether<T>(work: () => Promise<T>): Promise<T> {
    this.together += 1;
    try {
      return await work();
    } finally {
      this.together -= 1;
      if (this.together === 0) this.fresh();
    }
  }

  /** Before a read: inside `readTogether`, join (or begin) its read transaction. */
  private reading(): void {
    if (this.together > 0 && !this.snapshot && !this.db.inTransaction) {
      this.db.exec('BEGIN');
      this.snapshot = true;
    }
  }

  /** Ends the shared read transaction, if one is open: what follows sees the file as it is now. */
  private fresh(): void {
    if (!this.snapshot) return;
    this.snapshot = false;
    this.db.exec('COMMIT');
  }

  /** Runs a write transaction; once it has committed (a failed commit throws), what it wrote joins the tail. */
  private committed<T>(transaction: () => T): T {
    this.fresh();
    this.committing = undefined;
    try {
      const result = transaction();
      this.checkpoints?.committed();
      const committed = this.committing as { rows: EventRow[]; version: number } | undefined;
      if (committed !== undefined) this.tail.extend(committed.rows, committed.version);
      return result;
    } finally {
      this.committing = undefined;
    }
  }

  private appendInTransaction(
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): E.Either<WrongExpectedRevision, AppendResult> {
    const s = this.statements;
    const tip = s.tip.get(stream);
    const actual = tip === undefined ? ('no_stream' as const) : BigInt(tip.revision);
    if (!expectationMet(expected, actual)) {
      return this.idempotentReplay(stream, events, expected, tip) ?? E.left({ _tag: 'WrongExpectedRevision', stream, expected, actual });
    }
    if (events.length === 0) return E.right({ nextExpectedRevision: tip === undefined ? -1n : BigInt(tip.revision), position: 0n });
    if (tip !== undefined && (expected === 'any' || expected === 'stream_exists')) {
      const replay = this.idempotentReplay(stream, events, expected, tip);
      if (replay !== undefined) return replay;
    }

    const firstRevision = tip === undefined ? 0n : BigInt(tip.revision) + 1n;
    const sealed = sealEvents(stream, firstRevision, tip === undefined ? GENESIS_HASH : hashHex(tip.hash), events, this.clock.now().toISOString());
    const head = s.head.get();
    if (head === undefined) throw new Error('event store file has no log head row');
    let position = head.position;
    let chain = hashHex(head.chain);
    let chainBytes = head.chain;
    const rows: EventRow[] | undefined = this.subscriptions.size > 0 ? [] : undefined;
    for (const event of sealed) {
      position += 1;
      // The global chain is defined over the hex texts (schema.ts); stored as its 32 bytes.
      chainBytes = sha256Bytes(chain + event.metadata.hash);
      chain = hashHex(chainBytes);
      const revision = Number(event.revision);
      s.insert.run(position, event.id, stream, revision, event.type, event.dataText, event.metadataText, Buffer.from(event.metadata.hash, 'hex'), chainBytes);
      rows?.push([position, event.id, stream, revision, event.type, event.dataText, event.metadataText, event.metadata.hash]);
    }
    s.setHead.run(position, chainBytes);
    // Read under the write lock: any later commit by another connection changes it (local-tail.ts).
    if (rows !== undefined) {
      const version = s.dataVersion.get() as number;
      // Several requests of one appendEach add up; their rows are consecutive, all in one transaction.
      if (this.committing === undefined) this.committing = { rows, version };
      else {
        this.committing.rows.push(...rows);
        this.committing.version = version;
      }
    }
    return E.right({ nextExpectedRevision: firstRevision + BigInt(sealed.length - 1), position: BigInt(position) });
  }

  /**
   * Whether these very ids already stand, consecutively, where this append aims: right after the
   * expected revision, or (for `any` / `stream_exists`) at the end of the stream. Then the append
   * succeeds and writes nothing, as EventStoreDB does.
   */
  private idempotentReplay(
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    tip: StreamTip | undefined,
  ): E.Either<WrongExpectedRevision, AppendResult> | undefined {
    if (tip === undefined || events.length === 0) return undefined;
    const first =
      expected === 'no_stream' ? 0 : typeof expected === 'bigint' ? Number(expected) + 1 : tip.revision - events.length + 1;
    const last = first + events.length - 1;
    if (first < 0 || last > tip.revision) return undefined;
    const stored = this.statements.idsAt.all(stream, first, last);
    if (stored.length !== events.length || stored.some((row, i) => row.event_id !== events[i]?.id)) return undefined;
    return E.right({ nextExpectedRevision: BigInt(last), position: BigInt(stored[stored.length - 1]?.position ?? 0) });
  }

  readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    const statement = backwards ? this.statements.streamBackward : this.statements.streamForward;
    return this.paged(startOf(options.fromRevision, backwards), options.maxCount, backwards, 3, (from, size) => statement.all(stream, from, size));
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    return this.paged(startOf(options.fromPosition, backwards), options.maxCount, backwards, 0, (from, size) =>
      this.readAllBatch(from, size, backwards),
    );
  }

  /** Pages through rows keyed by the column at `key` (position or revision), READ_BATCH at a time. */
  private paged(
    start: number,
    maxCount: number | undefined,
    backwards: boolean,
    key: 0 | 3,
    fetch: (from: number, size: number) => EventRow[],
  ): AsyncIterable<RecordedEvent> {
    let from = start;
    let remaining = maxCount ?? Number.MAX_SAFE_INTEGER;
    return batchedIterable(() => {
      if (remaining <= 0) return undefined;
      this.reading();
      const size = Math.min(READ_BATCH, remaining);
      const rows = fetch(from, size);
      remaining -= rows.length;
      const last = rows[rows.length - 1];
      if (last !== undefined) from = backwards ? last[key] - 1 : last[key] + 1;
      // Fewer rows than asked for: the end (of the stream, or of the log as it stands now).
      return { items: rows.map(toRecordedEvent), last: rows.length < size || remaining <= 0 };
    });
  }

  private readAllBatch(from: number, size: number, backwards: boolean): EventRow[] {
    return backwards ? this.statements.allBackward.all(from, size) : this.statements.allForward.all(from, size);
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    const after = options.fromPosition === 'start' ? 0 : Number(options.fromPosition);
    const subscription = pollingSubscription({
      after,
      readAfter: (position) => this.liveRowsAfter(position).map(toRecordedEvent),
      onAppend: (listener) => this.onAppend(listener),
      pollIntervalMs: this.pollIntervalMs,
    });
    this.subscriptions.add(subscription);
    return {
      [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
      close: async () => {
        this.subscriptions.delete(subscription);
        // Appends made while nobody follows are not kept, so what is held must not be trusted as the tail.
        if (this.subscriptions.size === 0) this.tail.clear();
        await subscription.close();
      },
    };
  }

  /** What a live subscriber at `position` reads next: from memory when it can answer, else from the file. */
  private liveRowsAfter(position: number): EventRow[] {
    this.fresh();
    return this.tail.after(position, READ_BATCH, () => this.statements.dataVersion.get() as number) ?? this.readAllBatch(position + 1, READ_BATCH, false);
  }

  async headPosition(): Promise<GlobalPosition> {
    this.fresh();
    return BigInt(this.statements.head.get()?.position ?? 0);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.subscriptions.clear();
    await this.checkpoints?.release();
    if (this.db.open) {
      this.fresh();
      this.db.close();
    }
  }

  /** Calls `listener` after each append made through this instance (a worker folding the same file is told). */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** An append was made through another connection to the file: live subscriptions read now rather than at their next poll. */
  appendedElsewhere(): void {
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function startOf(from: bigint | 'start' | 'end' | undefined, backwards: boolean): number {
  if (from === undefined) return backwards ? Number.MAX_SAFE_INTEGER : 0;
  if (from === 'start') return 0;
  if (from === 'end') return Number.MAX_SAFE_INTEGER;
  return Number(from);
}

