/**
 * The registry reactor (a process manager): follows the global log from its own checkpoint and, for
 * each notice received, matches and revokes and replies; for each certificate issued, checks it
 * against earlier notices about its holder. It acts at least once — its checkpoint moves after a
 * step is done — and every step's commands are idempotent, so a crash at any point and a restart
 * end in the same ledger as an uninterrupted run. Before a step it waits for the read models to have
 * folded the event, so the issuance register it consults is complete up to that point.
 */
import type { Database } from 'better-sqlite3';
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { checkIssuedCertificate, processNotices, type ReactorDeps } from '../../domain/registry/services.js';
import { FailureBackoff, RetryingLoop } from '../failure-backoff.js';
import { PositionWaiters } from '../position-waiters.js';
import { prepared } from '../prepared.js';
import { runsOf } from '../runs.js';
import type { ReadModelRunner, RunnerLog } from '../runner.js';

const NAME = 'registry-reactor';

/** The reactor as the server and tests hold it: in this thread (`RegistryReactor`) or in a worker (`WorkerRegistryReactor`). */
export interface RegistryReactorHandle {
  /** Handled so far. */
  readonly position: bigint;
  /** Resolves true once the reactor has handled `position`, false after `timeoutMs` (tests, benchmarks). */
  waitFor(position: bigint, timeoutMs: number): Promise<boolean>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * At most this many events handled together. Behind a feed, runs grow to this size and the reactor
 * pays its per-run costs (the fold wait, two commits) once for up to a thousand notices; a reply
 * waits at most one run.
 */
const RUN = 1000;

/**
 * The checkpoint is saved at most this often (and when the reactor stops). Its row is in the
 * read-model file, whose writer lock the projection runner holds while it folds, so a write after
 * every run waited out the runner's transactions (~8 ms a run, measured). Every step is idempotent:
 * after a crash the steps of at most this interval are run again and find their events written.
 */
const SAVE_INTERVAL_MS = 1000;

export function prepareReactorCheckpoints(db: Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS reactor_checkpoints (reactor TEXT PRIMARY KEY, position TEXT NOT NULL)');
}

/** The reactor's stored checkpoint. */
export function storedReactorPosition(db: Database): bigint {
  const row = prepared(db, 'SELECT position FROM reactor_checkpoints WHERE reactor = ?').get(NAME) as { position: string } | undefined;
  return BigInt(row?.position ?? '0');
}

export class RegistryReactor implements RegistryReactorHandle {
  private stopped = false;
  private running: Promise<void> | undefined;
  private closeSubscription: (() => Promise<void>) | undefined;
  private readonly waiters = new PositionWaiters();
  private readonly progressListeners: ((position: bigint) => void)[] = [];
  private readonly backoff: FailureBackoff;
  private readonly retrying: RetryingLoop;

  /**
   * `together` runs each step; a reactor that owns its connections (the worker's) makes the step's
   * reads share read transactions there (`SqliteEventStore.readTogether`).
   */
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly runner: Pick<ReadModelRunner, 'waitFor'>,
    private readonly deps: ReactorDeps,
    private readonly log?: RunnerLog,
    private readonly together: <T>(step: () => Promise<T>) => Promise<T> = (step) => step(),
  ) {
    prepareReactorCheckpoints(db);
    this.backoff = new FailureBackoff('registry reactor', log);
    this.retrying = new RetryingLoop(this.backoff, () => this.stopped);
  }

  /** Handled so far: at least the stored checkpoint. */
  private handled = 0n;
  private savedAt = 0;

  get position(): bigint {
    const stored = storedReactorPosition(this.db);
    return stored > this.handled ? stored : this.handled;
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retrying.wake();
    await this.closeSubscription?.();
    await this.running;
    try {
      if (this.handled > storedReactorPosition(this.db)) this.save();
    } catch (error) {
      // Its steps are idempotent: the next start repeats the ones after the stored checkpoint.
      this.log?.error({ err: error }, 'registry reactor could not save its checkpoint on stopping');
    }
    this.waiters.cancelAll();
  }

  /** Called after each run of events handled, with the position handled (a worker tells the main thread). */
  onProgress(listener: (position: bigint) => void): void {
    this.progressListeners.push(listener);
  }

  /** Resolves true once the reactor has handled `position`, false after `timeoutMs` (tests, benchmarks). */
  waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    if (this.position >= position) return Promise.resolve(true);
    return this.waiters.wait(position, timeoutMs);
  }

  private loop(): Promise<void> {
    return this.retrying.run(() => this.follow());
  }

  private async follow(): Promise<void> {
    this.handled = 0n;
    const from = this.position;
    const subscription = this.store.subscribeToAll({ fromPosition: from === 0n ? 'start' : from });
    this.closeSubscription = () => subscription.close();
    try {
      for await (const run of runsOf(subscription, RUN)) {
        if (this.stopped) return;
        await this.handle(run.flatMap((message) => (message.kind === 'event' ? [message.event] : [])));
        this.backoff.succeeded();
        if (this.progressListeners.length > 0) {
          const position = this.position;
          for (const listener of this.progressListeners) listener(position);
        }
      }
    } finally {
      await subscription.close();
    }
  }

  /**
   * The events that were there together, in order: consecutive notices are processed together
   * (`processNotices`: a few commits for the lot), a certificate issued on its own between them.
   * The checkpoint is saved at most once a second (and when the reactor stops): events the
   * reactor ignores cost nothing to pass again after a restart, and its steps are idempotent.
   */
  private async handle(events: readonly RecordedEvent[]): Promise<void> {
    let notices: RecordedEvent[] = [];
    let through = 0n;
    const flush = async (): Promise<boolean> => {
      const ready = notices;
      notices = [];
      return ready.length === 0 || this.act((ready[ready.length - 1] as RecordedEvent).position, through, () => processNotices(this.deps, ready));
    };
    for (const event of events) {
      if (event.type === 'CertificateIssued') {
        if (!(await flush())) return;
        if (!(await this.act(event.position, event.position, () => checkIssuedCertificate(this.deps, event)))) return;
      } else if (event.type === 'RegistryChangeReceived' || notices.length > 0) {
        if (event.type === 'RegistryChangeReceived') notices.push(event);
        through = event.position;
      } else this.passed(event.position);
    }
    await flush();
  }

  /**
   * Runs a step once the read models have folded the event at `last`, then has passed `through`;
   * false when stopped meanwhile.
   */
  private async act(last: bigint, through: bigint, step: () => Promise<unknown>): Promise<boolean> {
    while (!(await this.runner.waitFor(last, 5000))) {
      if (this.stopped) return false;
    }
    await this.together(step);
    this.passed(through);
    return true;
  }

  private passed(position: bigint): void {
    this.handled = position;
    if (Date.now() - this.savedAt >= SAVE_INTERVAL_MS) this.save();
    this.waiters.reached(position);
  }

  private save(): void {
    prepared(this.db, 'INSERT INTO reactor_checkpoints (reactor, position) VALUES (?, ?) ON CONFLICT (reactor) DO UPDATE SET position = excluded.position').run(
      NAME,
      this.handled.toString(),
    );
    this.savedAt = Date.now();
  }
}
