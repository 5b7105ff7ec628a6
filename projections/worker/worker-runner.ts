/**
 * The projection runner in a worker thread, as the main thread sees it: the same `ReadModelRunner`
 * as the in-thread one, while the folding (reading the log again, the read-model statements and
 * commits) runs on another core, beside the requests and the registry reactor. The main thread
 * reads the read models through its own connection; the worker says how far it has folded, and
 * waiters are released only after the caches have dropped what the batch changed.
 *
 * Appends through the main thread's embedded store wake the worker's subscription at once (else
 * it polls, as for appends from another process). A worker that dies is started again.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { PositionWaiters } from '../position-waiters.js';
import type { Projection } from '../projection.js';
import { foldedPosition, prepareReadModels, type FoldedEvent, type ReadModelRunner, type RunnerLog } from '../runner.js';
import type { FromMain, RunnerWorkerData, ToMain } from './messages.js';

export interface WorkerRunnerOptions {
  readonly log?: RunnerLog;
  /** Registers a call after each local append; returns the unregister function (the embedded store). */
  readonly onAppend?: (listener: () => void) => () => void;
  readonly restartDelayMs?: number;
}

export class WorkerProjectionRunner implements ReadModelRunner {
  private folded: bigint;
  private readonly waiters = new PositionWaiters();
  private readonly foldListeners: ((events: readonly FoldedEvent[]) => void)[] = [];
  private worker: Worker | undefined;
  private exited: Promise<void> | undefined;
  private stopping = false;
  private unregister: (() => void) | undefined;

  constructor(
    db: Database,
    projections: readonly Projection[],
    private readonly data: RunnerWorkerData,
    private readonly options: WorkerRunnerOptions = {},
  ) {
    // The tables exist before the queries over them are prepared, whatever the worker is doing.
    prepareReadModels(db, projections);
    this.folded = foldedPosition(db, projections);
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
    if (this.worker !== undefined) return;
    this.stopping = false;
    let pending = false;
    this.unregister ??= this.options.onAppend?.(() => {
      // One wake-up per burst of appends in a turn of the event loop.
      if (pending) return;
      pending = true;
      queueMicrotask(() => {
        pending = false;
        this.send({ kind: 'appended' });
      });
    });
    const worker = spawn(this.data);
    this.worker = worker;
    worker.on('message', (message: ToMain) => this.receive(message));
    worker.on('error', (error) => this.options.log?.error({ err: error }, 'projection runner worker failed'));
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.worker = undefined;
        resolve();
        if (!this.stopping) setTimeout(() => !this.stopping && this.start(), this.options.restartDelayMs ?? 1000).unref();
      }),
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.unregister?.();
    this.unregister = undefined;
    const worker = this.worker;
    if (worker !== undefined) {
      this.send({ kind: 'stop' });
      const timer = setTimeout(() => void worker.terminate(), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.waiters.cancelAll();
  }

  private send(message: FromMain): void {
    this.worker?.postMessage(message);
  }

  private receive(message: ToMain): void {
    if (message.kind === 'error') this.options.log?.error({ err: message.details }, message.message);
    if (message.kind !== 'folded' && message.kind !== 'started') return;
    const position = BigInt(message.position);
    if (message.kind === 'folded') for (const listener of this.foldListeners) listener(message.events);
    // A rebuild (`ledger projections rebuild`) sends the position back: it is what the read models hold.
    this.folded = position;
    this.waiters.reached(position);
  }
}

/** Starts the worker; from TypeScript sources (tsx, vitest) through tsx's loader, registered in the worker first. */
function spawn(data: RunnerWorkerData): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./runner-worker.js', here), { workerData: data });
  const require = createRequire(here);
  const tsx = require('tsx/package.json') as { exports: Record<string, { import: { default: string } }> };
  const api = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), (tsx.exports['./esm/api'] as { import: { default: string } }).import.default)).href;
  const entry = new URL('./runner-worker.ts', here).href;
  const bootstrap = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: data });
}
