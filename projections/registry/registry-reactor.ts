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
import { checkIssuedCertificate, processNotice, type ReactorDeps } from '../../domain/registry/services.js';
import { PositionWaiters } from '../position-waiters.js';
import { prepared } from '../prepared.js';
import type { ProjectionRunner, RunnerLog } from '../runner.js';

const NAME = 'registry-reactor';

export class RegistryReactor {
  private stopped = false;
  private running: Promise<void> | undefined;
  private closeSubscription: (() => Promise<void>) | undefined;
  private readonly waiters = new PositionWaiters();

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly deps: ReactorDeps,
    private readonly log?: RunnerLog,
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS reactor_checkpoints (reactor TEXT PRIMARY KEY, position TEXT NOT NULL)');
  }

  /** Handled so far: at least the stored checkpoint. */
  private handled = 0n;
  private unsaved = 0;

  get position(): bigint {
    const row = prepared(this.db, 'SELECT position FROM reactor_checkpoints WHERE reactor = ?').get(NAME) as { position: string } | undefined;
    const stored = BigInt(row?.position ?? '0');
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
      for await (const message of subscription) {
        if (this.stopped) return;
        if (message.kind === 'event') await this.handle(message.event);
      }
    } finally {
      await subscription.close();
    }
  }

  /**
   * The checkpoint is saved after every step that acted, and every few hundred events otherwise:
   * events the reactor ignores cost nothing to pass again after a restart.
   */
  private async handle(event: RecordedEvent): Promise<void> {
    const acts = event.type === 'RegistryChangeReceived' || event.type === 'CertificateIssued';
    if (acts) {
      while (!(await this.runner.waitFor(event.position, 5000))) {
        if (this.stopped) return;
      }
      if (event.type === 'RegistryChangeReceived') await processNotice(this.deps, event);
      else await checkIssuedCertificate(this.deps, event);
    }
    this.handled = event.position;
    this.unsaved += 1;
    if (acts || this.unsaved >= 500) {
      prepared(this.db, 'INSERT INTO reactor_checkpoints (reactor, position) VALUES (?, ?) ON CONFLICT (reactor) DO UPDATE SET position = excluded.position').run(
        NAME,
        event.position.toString(),
      );
      this.unsaved = 0;
    }
    this.waiters.reached(event.position);
  }
}
