/**
 * The embedded event store: one SQLite file (better-sqlite3 v12, WAL), durable by default.
 *
 * Appends run in `BEGIN IMMEDIATE` transactions, so writers from several processes (the server and
 * the `ledger` CLI) serialise on the file and positions are handed out densely in commit order.
 * That is what makes the subscription gap-free: an event at position n+1 can only become visible
 * after the one at n.
 */
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type { Clock } from '../../../domain/ports/clock.js';
import type {
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
  WrongExpectedRevision,
} from '../../../domain/ports/event-store.js';
import { GENESIS_HASH, sealEvents, sha256Hex } from '../envelope.js';
import { expectationMet } from '../expected-revision.js';
import { pollingSubscription } from '../polling-subscription.js';
import { migrate, openPragmas, type Synchronous } from './schema.js';

export interface SqliteEventStoreOptions {
  readonly file: string;
  readonly clock: Clock;
  /** FULL (default) survives power loss; NORMAL may lose the last transactions in WAL mode. */
  readonly synchronous?: Synchronous;
  /** How often a live subscription looks for events appended by another process. */
  readonly pollIntervalMs?: number;
}

export interface EventRow {
  readonly position: number;
  readonly event_id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly hash: string;
}

const READ_BATCH = 1000;
const COLUMNS = 'position, event_id, stream, revision, type, data, metadata, hash';

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    stream: row.stream,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    type: row.type,
    data: JSON.parse(row.data),
    metadata: { ...JSON.parse(row.metadata), hash: row.hash },
  };
}

interface StreamTip {
  readonly revision: number;
  readonly hash: string;
}

export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly listeners = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly statements;

  constructor(options: SqliteEventStoreOptions) {
    this.db = new Database(options.file);
    openPragmas(this.db, options.synchronous ?? 'FULL');
    migrate(this.db);
    this.clock = options.clock;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    const db = this.db;
    this.statements = {
      tip: db.prepare<[string], StreamTip>('SELECT revision, hash FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1'),
      byId: db.prepare<[string], { stream: string; revision: number }>('SELECT stream, revision FROM events WHERE event_id = ?'),
      idsAt: db.prepare<[string, number, number], { event_id: string; position: number }>(
        'SELECT event_id, position FROM events WHERE stream = ? AND revision >= ? AND revision <= ? ORDER BY revision',
      ),
      head: db.prepare<[], { position: number; chain: string }>('SELECT position, chain FROM log_head WHERE id = 1'),
      setHead: db.prepare<[number, string]>('UPDATE log_head SET position = ?, chain = ? WHERE id = 1'),
      insert: db.prepare(
        'INSERT INTO events (position, event_id, stream, revision, type, data, metadata, hash, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      streamForward: db.prepare<[string, number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
      ),
      streamBackward: db.prepare<[string, number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
      ),
      allForward: db.prepare<[number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position ASC LIMIT ?`,
      ),
      allBackward: db.prepare<[number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE position <= ? ORDER BY position DESC LIMIT ?`,
      ),
    };
  }

  async append(
    stream: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<E.Either<WrongExpectedRevision, AppendResult>> {
    const result = this.db.transaction(() => this.appendInTransaction(stream, events, options.expectedRevision)).immediate();
    if (E.isRight(result) && events.length > 0) this.notify();
    return result;
  }

  private appendInTransaction(
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): E.Either<WrongExpectedRevision, AppendResult> {
    const s = this.statements;
    const tip = s.tip.get(stream);
    const actual = tip === undefined ? ('no_stream' as const) : BigInt(tip.revision);
    const conflict = (): E.Either<WrongExpectedRevision, AppendResult> =>
      E.left({ _tag: 'WrongExpectedRevision', stream, expected, actual });

    const first = events[0];
    if (first !== undefined) {
      const already = s.byId.get(first.id);
      if (already !== undefined) return this.idempotentReplay(stream, events, expected, already) ?? conflict();
    }
    if (!expectationMet(expected, actual)) return conflict();
    if (first === undefined) {
      return E.right({ nextExpectedRevision: tip === undefined ? -1n : BigInt(tip.revision), position: 0n });
    }

    const firstRevision = tip === undefined ? 0n : BigInt(tip.revision) + 1n;
    const sealed = sealEvents(stream, firstRevision, tip?.hash ?? GENESIS_HASH, events, this.clock.now().toISOString());
    const head = s.head.get();
    if (head === undefined) throw new Error('event store file has no log head row');
    let position = head.position;
    let chain = head.chain;
    for (const event of sealed) {
      position += 1;
      chain = sha256Hex(chain + event.metadata.hash);
      s.insert.run(position, event.id, stream, Number(event.revision), event.type, event.dataText, event.metadataText, event.metadata.hash, chain);
    }
    s.setHead.run(position, chain);
    return E.right({ nextExpectedRevision: firstRevision + BigInt(sealed.length - 1), position: BigInt(position) });
  }

  /** The same ids already stand, consecutively, at the place this append aims at: succeed, write nothing. */
  private idempotentReplay(
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    already: { stream: string; revision: number },
  ): E.Either<WrongExpectedRevision, AppendResult> | undefined {
    if (already.stream !== stream) return undefined;
    if (expected === 'no_stream' && already.revision !== 0) return undefined;
    if (typeof expected === 'bigint' && BigInt(already.revision) !== expected + 1n) return undefined;
    const last = already.revision + events.length - 1;
    const stored = this.statements.idsAt.all(stream, already.revision, last);
    if (stored.length !== events.length || stored.some((row, i) => row.event_id !== events[i]?.id)) return undefined;
    const lastRow = stored[stored.length - 1];
    return E.right({ nextExpectedRevision: BigInt(last), position: BigInt(lastRow?.position ?? 0) });
  }

  async *readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    const limit = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    let from = startOf(options.fromRevision, backwards);
    let delivered = 0;
    while (delivered < limit) {
      const batchSize = Math.min(READ_BATCH, limit - delivered);
      const rows = backwards
        ? this.statements.streamBackward.all(stream, from, batchSize)
        : this.statements.streamForward.all(stream, from, batchSize);
      for (const row of rows) yield toRecordedEvent(row);
      delivered += rows.length;
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1] as EventRow;
      from = backwards ? last.revision - 1 : last.revision + 1;
      await yieldToEventLoop();
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    const limit = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    let from = startOf(options.fromPosition, backwards);
    let delivered = 0;
    while (delivered < limit) {
      const rows = this.readAllBatch(from, Math.min(READ_BATCH, limit - delivered), backwards);
      for (const row of rows) yield toRecordedEvent(row);
      delivered += rows.length;
      if (rows.length === 0 || delivered >= limit) return;
      const last = rows[rows.length - 1] as EventRow;
      from = backwards ? last.position - 1 : last.position + 1;
      await yieldToEventLoop();
    }
  }

  private readAllBatch(from: number, size: number, backwards: boolean): EventRow[] {
    return backwards ? this.statements.allBackward.all(from, size) : this.statements.allForward.all(from, size);
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    const after = options.fromPosition === 'start' ? 0 : Number(options.fromPosition);
    const subscription = pollingSubscription({
      after,
      readAfter: (position) => this.readAllBatch(position + 1, READ_BATCH, false).map(toRecordedEvent),
      onAppend: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
      pollIntervalMs: this.pollIntervalMs,
    });
    this.subscriptions.add(subscription);
    return {
      [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  async headPosition(): Promise<GlobalPosition> {
    return BigInt(this.statements.head.get()?.position ?? 0);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.subscriptions.clear();
    if (this.db.open) this.db.close();
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

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
