/**
 * The one projection runner: a catch-up subscription over the global log, from the lowest stored
 * checkpoint, folding events into every projection. Each batch's changes and the checkpoints move in
 * one transaction, so a crash and restart neither loses nor double-applies an event. During
 * catch-up events are folded in batches; once caught up, as they arrive.
 *
 * A rebuild (`ledger projections rebuild`) resets a projection's tables and checkpoint, possibly
 * while a server's runner is folding: the runner notices that a checkpoint went back and starts its
 * subscription again from there.
 */
import type { Database } from 'better-sqlite3';
import type { EventStore, RecordedEvent } from '../domain/ports/event-store.js';
import { FailureBackoff, RetryingLoop } from './failure-backoff.js';
import { folds, type Projection } from './projection.js';
import { readCheckpoint, readVersion, writeCheckpoint, writeVersion } from './read-model-db.js';
import { PositionWaiters } from './position-waiters.js';

export interface RunnerLog {
  error(details: object, message: string): void;
  /** A fault has passed (where absent, said at error level). */
  info?(details: object, message: string): void;
}

/** What a fold listener learns of each event folded: its type and data (caches drop what it changed). */
export type FoldedEvent = Pick<RecordedEvent, 'type' | 'data'>;

/** The read models' runner as its users see it, whether it folds in this thread or in a worker. */
export interface ReadModelRunner {
  /** The position every projection has folded up to. */
  readonly position: bigint;
  /** Resolves true once every projection has folded `position`, false after `timeoutMs`. */
  waitFor(position: bigint, timeoutMs: number): Promise<boolean>;
  /** Called after each batch is folded and committed, before waiters for it are released. */
  onFolded(listener: (events: readonly FoldedEvent[]) => void): void;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Creates the projections' tables, first dropping any read model built by another version of its
 * projection (folded again from the start).
 */
export function prepareReadModels(db: Database, projections: readonly Projection[]): void {
  db.transaction(() => {
    for (const projection of projections) {
      if (readVersion(db, projection.name) !== projection.version) {
        projection.reset(db);
        writeCheckpoint(db, projection.name, 0n);
        writeVersion(db, projection.name, projection.version);
      }
      projection.init(db);
    }
  }).immediate();
}

/** The lowest position the projections have folded (`applied` where known, else the stored checkpoint): where a runner starts folding. */
export function foldedPosition(db: Database, projections: readonly Projection[], applied?: ReadonlyMap<string, bigint>): bigint {
  const positions = projections.map((p) => applied?.get(p.name) ?? readCheckpoint(db, p.name));
  return positions.reduce((min, p) => (p < min ? p : min), positions[0] ?? 0n);
}

export interface RunnerOptions {
  /** Events per transaction while catching up. */
  readonly batchSize?: number;
  /** First wait before starting again after a failure; it doubles with each failure in a row, up to 30 s. */
  readonly retryDelayMs?: number;
  readonly log?: RunnerLog;
}

export class ProjectionRunner implements ReadModelRunner {
  private readonly batchSize: number;
  private readonly retryDelayMs: number;
  private readonly applied = new Map<string, bigint>();
  private readonly waiters = new PositionWaiters();
  private readonly foldListeners: ((events: readonly FoldedEvent[]) => void)[] = [];
  private caughtUpWaiters: (() => void)[] = [];
  private stopped = false;
  private running: Promise<void> | undefined;
  private closeSubscription: (() => Promise<void>) | undefined;
  private readonly backoff: FailureBackoff;
  private readonly retrying: RetryingLoop;

  constructor(
    private readonly store: EventStore,
    private readonly db: Database,
    private readonly projections: readonly Projection[],
    private readonly options: RunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.backoff = new FailureBackoff('projection runner', options.log, { initialMs: this.retryDelayMs });
    this.retrying = new RetryingLoop(this.backoff, () => this.stopped);
    prepareReadModels(db, projections);
  }

  /** The position every projection has folded up to. */
  get position(): bigint {
    return foldedPosition(this.db, this.projections, this.applied);
  }

  /** Called after each batch is folded and committed (caches over the read models drop what changed). */
  onFolded(listener: (events: readonly FoldedEvent[]) => void): void {
    this.foldListeners.push(listener);
  }

  start(): void {
    if (this.running !== undefined) return;
    this.stopped = false;
    this.running = this.loop();
  }

  /** Folds everything already in the log, then stops (the CLI's catch-up and rebuild). */
  async catchUp(): Promise<void> {
    const caughtUp = new Promise<void>((resolve) => this.caughtUpWaiters.push(resolve));
    this.start();
    await caughtUp;
    await this.stop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retrying.wake();
    await this.closeSubscription?.();
    await this.running;
    this.running = undefined;
    this.waiters.cancelAll();
  }

  /** Resolves true once every projection has folded `position`, false after `timeoutMs`. */
  waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    if (this.position >= position) return Promise.resolve(true);
    return this.waiters.wait(position, timeoutMs);
  }

  private loop(): Promise<void> {
    return this.retrying.run(() => this.followLog());
  }

  /** One subscription, until it is stopped or a checkpoint goes back (a rebuild). */
  private async followLog(): Promise<void> {
    this.applied.clear();
    for (const projection of this.projections) this.applied.set(projection.name, readCheckpoint(this.db, projection.name));
    const from = this.position;
    const subscription = this.store.subscribeToAll({ fromPosition: from === 0n ? 'start' : from });
    this.closeSubscription = () => subscription.close();
    let buffer: RecordedEvent[] = [];
    let caughtUp = false;
    let reset = false;
    // Live, the events that arrive in one turn of the event loop are folded together, in one
    // transaction, at the end of that turn: a burst of appends costs one commit, not one each.
    let scheduled: { readonly cancel: () => void } | undefined;
    let lastFold = -Infinity;
    // A fold that throws (the read-model file full or locked) ends this subscription with its
    // error, also when it ran on a timer: the loop then starts again after a pause.
    let failure: { readonly error: unknown } | undefined;
    const flush = (): void => {
      scheduled = undefined;
      lastFold = performance.now();
      if (buffer.length === 0 || reset) return;
      const batch = buffer;
      buffer = [];
      try {
        if (!this.fold(batch)) {
          reset = true;
          void subscription.close();
        }
      } catch (error) {
        failure = { error };
        reset = true;
        void subscription.close();
      }
    };
    try {
      for await (const message of subscription) {
        if (this.stopped || reset) break;
        if (message.kind === 'caught-up') {
          flush();
          if (reset) break;
          this.backoff.succeeded();
          caughtUp = true;
          for (const resolve of this.caughtUpWaiters.splice(0)) resolve();
          continue;
        }
        buffer.push(message.event);
        if (buffer.length >= this.batchSize) flush();
        else if (caughtUp) scheduled ??= schedule(flush, lastFold + MIN_FOLD_GAP_MS - performance.now());
      }
      if (failure !== undefined) throw failure.error;
    } finally {
      scheduled?.cancel();
      await subscription.close();
    }
  }

  /** Folds a batch in one transaction; false when a projection was reset underneath (start again). */
  private fold(events: readonly RecordedEvent[]): boolean {
    const last = events[events.length - 1];
    if (last === undefined) return true;
    // Immediate: the write lock from the start, so a write by another connection between this
    // batch's first read and its first write (the server's main thread, the CLI) is waited for
    // instead of failing the batch with SQLITE_BUSY.
    const folded = this.db.transaction((): Map<string, bigint> | undefined => {
      const reached = new Map<string, bigint>();
      for (const projection of this.projections) {
        const stored = readCheckpoint(this.db, projection.name);
        if (stored < (this.applied.get(projection.name) ?? 0n)) return undefined;
        const fresh = events.filter((event) => event.position > stored && folds(projection, event.type));
        if (projection.applyAll !== undefined) projection.applyAll(this.db, fresh);
        else for (const event of fresh) projection.apply(this.db, event);
        if (last.position > stored) writeCheckpoint(this.db, projection.name, last.position);
        reached.set(projection.name, last.position > stored ? last.position : stored);
      }
      return reached;
    }).immediate();
    if (folded === undefined) return false;
    this.backoff.succeeded();
    for (const [name, position] of folded) this.applied.set(name, position);
    for (const listener of this.foldListeners) listener(events);
    this.waiters.reached(this.position);
    return true;
  }
}

/** Resets the named projections (all when none is named) to fold again from the start of the log. */
export function resetProjections(db: Database, projections: readonly Projection[], names: readonly string[]): readonly string[] {
  const chosen = names.length === 0 ? projections : projections.filter((p) => names.includes(p.name));
  const reset = db.transaction(() => {
    for (const projection of chosen) {
      projection.reset(db);
      projection.init(db);
      writeCheckpoint(db, projection.name, 0n);
    }
  });
  reset.immediate();
  return chosen.map((p) => p.name);
}

/**
 * Under load, read-model commits come at most this often: events arriving meanwhile wait and are
 * folded together (each commit writes every page the batch touched, so small batches cost nearly
 * as much as large ones). An event arriving after a quiet spell is folded at the end of its turn.
 */
const MIN_FOLD_GAP_MS = 10;

function schedule(run: () => void, delayMs: number): { readonly cancel: () => void } {
  if (delayMs <= 0) {
    const immediate = setImmediate(run);
    return { cancel: () => clearImmediate(immediate) };
  }
  const timeout = setTimeout(run, delayMs);
  return { cancel: () => clearTimeout(timeout) };
}
