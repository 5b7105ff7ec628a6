/**
 * The registry reactor in a worker thread, as the main thread sees it: how far it has handled the
 * log, and waiting for a position, as with the in-thread `RegistryReactor`. Matching, the stream
 * loads and the revocations' commits run on another core than the requests. The main thread tells
 * the worker when the projection runner has folded a batch (the register it consults moved on) and
 * passes wake-ups between the followers of the embedded store.
 */
import type { Database } from 'better-sqlite3';
import { PositionWaiters } from '../position-waiters.js';
import { prepareReactorCheckpoints, storedReactorPosition, type RegistryReactorHandle } from '../registry/registry-reactor.js';
import type { FromReactor, ReactorWorkerData, ToReactor } from './messages.js';
import { WorkerHost, type WorkerHostOptions } from './worker-host.js';

export interface WorkerReactorOptions extends WorkerHostOptions {
  /** Called when the reactor appended to the embedded store (to wake the other followers). */
  readonly appended?: () => void;
}

export class WorkerRegistryReactor implements RegistryReactorHandle {
  private handled: bigint;
  private readonly waiters = new PositionWaiters();
  private readonly host: WorkerHost<ToReactor, FromReactor>;

  constructor(
    db: Database,
    data: ReactorWorkerData,
    private readonly options: WorkerReactorOptions = {},
  ) {
    prepareReactorCheckpoints(db);
    this.handled = storedReactorPosition(db);
    this.host = new WorkerHost('reactor-worker', 'registry reactor', data, (message) => this.receive(message), options);
  }

  get position(): bigint {
    return this.handled;
  }

  waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    if (this.handled >= position) return Promise.resolve(true);
    return this.waiters.wait(position, timeoutMs);
  }

  start(): void {
    this.host.start();
  }

  async stop(): Promise<void> {
    await this.host.stop();
    this.waiters.cancelAll();
  }

  /** The projection runner folded a batch. */
  folded(): void {
    this.host.send({ kind: 'folded' });
  }

  /** Ends the worker at once, as a crash would (tests). */
  terminate(): Promise<void> {
    return this.host.terminate();
  }

  private receive(message: FromReactor): void {
    if (message.kind === 'error') {
      const log = this.options.log;
      if (message.level === 'info') (log?.info ?? log?.error)?.call(log, {}, message.message);
      else log?.error({ err: message.details }, message.message);
    }
    else if (message.kind === 'appended') this.options.appended?.();
    else {
      const position = BigInt(message.position);
      if (position > this.handled) this.handled = position;
      this.waiters.reached(this.handled);
    }
  }
}
