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

/** At most this many events handled together: a crash repeats at most one run's steps, and a reply waits at most one run. */
const RUN = 250;

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

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly runner: Pick<ReadModelRunner, 'waitFor'>,
    private readonly deps: ReactorDeps,
    private readonly log?: RunnerLog,
  ) {
    prepareReactorCheckpoints(db);
  }

  /** Handled so far: at least the stored checkpoint. */
  private handled = 0n;
  private unsaved = 0;

  get position(): bigint {
    const stored = storedReactorPosition(this.db);
    return stored > this.handled ? stored : this.handled;
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.closeSubscription?.();
    await this.running;
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

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.follow();
      } catch (error) {
        this.log?.error({ err: error }, 'registry reactor failed; starting again');
        if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
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
   * The checkpoint is saved after every step that acted, and every few hundred events otherwise:
   * events the reactor ignores cost nothing to pass again after a restart.
   */
  private async handle(events: readonly RecordedEvent[]): Promise<void> {
    let notices: RecordedEvent[] = [];
    let through = 0n;
    const flush = async (): Promise<boolean> => {
      const ready = notices;
      notices = [];
      return ready.length === 0 || this.act((ready[ready.length - 1] as RecordedEvent).position, through, async () => {
        await processNotices(this.deps, ready);
        return true;
      });
    };
    for (const event of events) {
      if (event.type === 'CertificateIssued') {
        if (!(await flush())) return;
        if (!(await this.act(event.position, event.position, () => checkIssuedCertificate(this.deps, event)))) return;
      } else if (event.type === 'RegistryChangeReceived' || notices.length > 0) {
        if (event.type === 'RegistryChangeReceived') notices.push(event);
        through = event.position;
      } else this.passed(event.position, false);
    }
    await flush();
  }

  /**
   * Runs a step once the read models have folded the event at `last`, then has passed `through`
   * (a checkpoint when the step says it consulted or wrote anything); false when stopped meanwhile.
   */
  private async act(last: bigint, through: bigint, step: () => Promise<boolean>): Promise<boolean> {
    while (!(await this.runner.waitFor(last, 5000))) {
      if (this.stopped) return false;
    }
    this.passed(through, await step());
    return true;
  }

  private passed(position: bigint, acted: boolean): void {
    this.handled = position;
    this.unsaved += 1;
    if (acted || this.unsaved >= 500) {
      prepared(this.db, 'INSERT INTO reactor_checkpoints (reactor, position) VALUES (?, ?) ON CONFLICT (reactor) DO UPDATE SET position = excluded.position').run(
        NAME,
        position.toString(),
      );
      this.unsaved = 0;
    }
    this.waiters.reached(position);
  }
}
