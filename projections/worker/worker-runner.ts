/**
 * The projection runner in a worker thread, as the main thread sees it: the same `ReadModelRunner`
 * as the in-thread one, while the folding (reading the log again, the read-model statements and
 * commits) runs on another core, beside the requests. The main thread reads the read models
 * through its own connection; the worker says how far it has folded, and waiters are released only
 * after the caches have dropped what the batch changed.
 */
import type { Database } from 'better-sqlite3';
import { PositionWaiters } from '../position-waiters.js';
import type { Projection } from '../projection.js';
import { foldedPosition, prepareReadModels, type FoldedEvent, type ReadModelRunner } from '../runner.js';
import type { RunnerWorkerData, ToMain } from './messages.js';
import { WorkerHost, type WorkerHostOptions } from './worker-host.js';

export type WorkerRunnerOptions = WorkerHostOptions;

export class WorkerProjectionRunner implements ReadModelRunner {
  private folded: bigint;
  private readonly waiters = new PositionWaiters();
  private readonly foldListeners: ((events: readonly FoldedEvent[]) => void)[] = [];
  private readonly host: WorkerHost<never, ToMain>;
  private readonly log: WorkerRunnerOptions['log'];

  constructor(db: Database, projections: readonly Projection[], data: RunnerWorkerData, options: WorkerRunnerOptions = {}) {
    // The tables exist before the queries over them are prepared, whatever the worker is doing.
    prepareReadModels(db, projections);
    this.folded = foldedPosition(db, projections);
    this.host = new WorkerHost('runner-worker', 'projection runner', data, (message) => this.receive(message), options);
    this.log = options.log;
  }

  get position(): bigint {
    return this.folded;
  }

  waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    if (this.folded >= position) return Promise.resolve(true);
    return this.waiters.wait(position, timeoutMs);
  }

  onFolded(listener: (events: readonly FoldedEvent[]) => void): void {
    this.foldListeners.push(listener);
  }

  start(): void {
    this.host.start();
  }

  async stop(): Promise<void> {
    await this.host.stop();
    this.waiters.cancelAll();
  }

  /** Ends the worker at once, as a crash would (tests). */
  terminate(): Promise<void> {
    return this.host.terminate();
  }

  private receive(message: ToMain): void {
    if (message.kind === 'error') {
      if (message.level === 'info') (this.log?.info ?? this.log?.error)?.call(this.log, {}, message.message);
      else this.log?.error({ err: message.details }, message.message);
    }
    if (message.kind !== 'folded' && message.kind !== 'started') return;
    const position = BigInt(message.position);
    if (message.kind === 'folded') for (const listener of this.foldListeners) listener(message.events);
    // A rebuild (`ledger projections rebuild`) sends the position back: it is what the read models hold.
    this.folded = position;
    this.waiters.reached(position);
  }
}
