/**
 * One worker thread as the main thread keeps it: started from its entry module, woken after each
 * local append to the embedded store (else the worker's subscription polls), started again when
 * it dies — after a pause that grows while it keeps dying (a store it cannot open: the disk full),
 * logged when it starts failing and when it has run for a while again — and asked to stop
 * (terminated if it has not exited within ten seconds). The projection runner and the registry
 * reactor each run in one.
 */
import { parentPort, workerData, type MessagePort, type Worker } from 'node:worker_threads';
import { spawnWorker } from '../../infrastructure/threads/spawn-worker.js';
import { FailureBackoff } from '../failure-backoff.js';
import type { RunnerLog } from '../runner.js';

export interface WorkerHostOptions {
  readonly log?: RunnerLog;
  /** Registers a call after each local append; returns the unregister function (the embedded store). */
  readonly onAppend?: (listener: () => void) => () => void;
  /** First pause before a worker that died is started again (doubling while it keeps dying, up to 30 s). */
  readonly restartDelayMs?: number;
}

/** A worker that has run this long since it said it started counts as recovered. */
const STABLE_MS = 10_000;

/** What every worker understands besides its own messages. */
export type HostMessage = { readonly kind: 'appended' } | { readonly kind: 'stop' };

export class WorkerHost<FromMain extends { readonly kind: string }, ToMain> {
  private worker: Worker | undefined;
  private exited: Promise<void> | undefined;
  private stopping = false;
  private unregister: (() => void) | undefined;
  private readonly backoff: FailureBackoff;
  private lastError: unknown;
  private stable: NodeJS.Timeout | undefined;

  constructor(
    /** The entry module's name beside this file, without extension (`runner-worker`). */
    private readonly entry: string,
    private readonly what: string,
    private readonly data: unknown,
    private readonly receive: (message: ToMain) => void,
    private readonly options: WorkerHostOptions = {},
  ) {
    this.backoff = new FailureBackoff(`${what} worker`, options.log, { initialMs: options.restartDelayMs ?? 1000 });
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
    const worker = spawnWorker(import.meta.url, this.entry, { workerData: this.data, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    this.worker = worker;
    worker.on('message', (message: ToMain) => {
      if ((message as { kind?: unknown }).kind === 'started' && this.backoff.failing) {
        clearTimeout(this.stable);
        this.stable = setTimeout(() => this.backoff.succeeded(), STABLE_MS).unref();
      }
      this.receive(message);
    });
    worker.on('error', (error) => {
      this.lastError = error;
    });
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        this.worker = undefined;
        clearTimeout(this.stable);
        resolve();
        if (this.stopping) return;
        const delay = this.backoff.failed(this.lastError ?? new Error(`the worker exited with code ${code}`));
        this.lastError = undefined;
        setTimeout(() => !this.stopping && this.start(), delay).unref();
      }),
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.stable);
    this.unregister?.();
    this.unregister = undefined;
    const worker = this.worker;
    if (worker === undefined) return;
    this.send({ kind: 'stop' });
    const timer = setTimeout(() => void worker.terminate(), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  send(message: FromMain | HostMessage): void {
    this.worker?.postMessage(message);
  }

  /** Ends the thread at once, as a crash would (tests). */
  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }
}

/**
 * A worker's young generation (V8's default is a few tens of MB). A worker folds or reacts to runs
 * of up to a thousand events, which live while the run is worked on: with the default, scavenges
 * came every ~70 ms and copied them each time (the reactor's worker: 220 scavenges, 2.7 s in a
 * 15 s feed); with this, 66 scavenges and 1.7 s.
 */
const YOUNG_GENERATION_MB = 192;

/** Inside a worker: the port to the main thread, a typed send, the worker's data, and a log whose errors go to the main thread. */
export function workerSide<ToMain extends { readonly kind: string }, Data>(
  what: string,
): { readonly port: MessagePort; readonly send: (message: ToMain) => void; readonly data: Data; readonly log: RunnerLog } {
  const port = parentPort;
  if (port === null) throw new Error(`${what} runs as a worker thread`);
  const send = (message: ToMain): void => port.postMessage(message);
  const log: RunnerLog = {
    error: (details, message) => port.postMessage({ kind: 'error', message, details: String((details as { err?: unknown }).err ?? '') }),
    info: (_details, message) => port.postMessage({ kind: 'error', level: 'info', message, details: '' }),
  };
  return { port, send, data: workerData as Data, log };
}
