/**
 * The embedded store's checkpointer: one thread per process copies committed pages from the WAL
 * back into the database file (`PRAGMA wal_checkpoint(PASSIVE)`) for every store that asks, so
 * that appends do not. SQLite's default has the committing connection do it whenever the WAL has
 * passed 1,000 pages: the append that crosses the line waits for the copy and two fsyncs, even at
 * NORMAL (docs/performance.md, "the checkpoints off the writer"). SQLite's own advice for writers
 * that must not stall is this: a checkpoint on another thread.
 *
 * A watched store raises its own line to FALLBACK_PAGES. Under a steady stream of commits the
 * thread's passive checkpoints never quite catch up with the writer, and only a writer that finds
 * the WAL wholly copied starts it again from its beginning; so once the WAL passes that line, the
 * store's next commit checkpoints itself — by then little is left to copy — and the WAL restarts.
 * If the thread cannot run at all, that line alone still bounds the WAL.
 */
import { resolve as absolutePath } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../threads/spawn-worker.js';
import type { FromCheckpointer, ToCheckpointer } from './checkpointer-messages.js';

/** The WAL size (in pages) past which a watched store's own commit checkpoints (SQLite's default: 1,000). */
export const FALLBACK_PAGES = 10_000;

/**
 * Who copies the WAL back: `background`, the process's checkpointer thread (the store's own commits
 * only past FALLBACK_PAGES); `external`, another store of this process on the same file has the
 * thread do it (a worker thread's store: the same fallback, no thread of its own); `on-commit`,
 * SQLite's default, the committing connection every 1,000 pages.
 */
export type Checkpoints = 'background' | 'external' | 'on-commit';

/**
 * What a store does unless told. At NORMAL a commit never waits for the disk, except when it is the
 * one that checkpoints: the thread takes that off it, and a store in a worker thread leaves the
 * thread to the main thread's store on the same file. At FULL every commit waits for an fsync of
 * the WAL anyway, and those fsyncs are cheaper while the WAL stays small and is overwritten in place
 * (restarted every 1,000 pages) than while it grows towards the fallback line and its size must be
 * journalled too: with the thread, appends at FULL were slower (decision 0008 has the figures).
 */
export function defaultCheckpoints(synchronous: 'FULL' | 'NORMAL', thread: 'main' | 'worker' = 'main'): Checkpoints {
  if (synchronous === 'FULL') return 'on-commit';
  return thread === 'main' ? 'background' : 'external';
}

export interface CheckpointWatch {
  /** After each commit: there are pages to copy. */
  committed(): void;
  /** Resolves once the thread has closed its connection to the file, so the store's close is the last. */
  release(): Promise<void>;
}

class Checkpointer {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly releasing = new Map<number, () => void>();

  watch(file: string): CheckpointWatch {
    const worker = this.running();
    const id = this.nextId++;
    const counter = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    // Absolute: the thread opens it, and the process may change directory meanwhile.
    worker.postMessage({ kind: 'watch', id, file: absolutePath(file), counter } satisfies ToCheckpointer);
    let released: Promise<void> | undefined;
    return {
      committed: () => void Atomics.add(counter, 0, 1),
      release: () =>
        (released ??= new Promise<void>((resolve) => {
          if (this.worker !== worker) return resolve();
          this.releasing.set(id, resolve);
          // Held open while a store waits for its answer: a CLI awaiting close() must not just exit.
          worker.ref();
          worker.postMessage({ kind: 'release', id } satisfies ToCheckpointer);
        })),
    };
  }

  private running(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = spawnWorker(import.meta.url, 'checkpointer-worker');
    worker.unref();
    worker.on('message', (message: FromCheckpointer) => {
      this.releasing.get(message.id)?.();
      this.releasing.delete(message.id);
      if (this.releasing.size === 0) worker.unref();
    });
    worker.on('error', (error) => process.emitWarning(`event store checkpointer thread failed (stores checkpoint their own WAL past ${FALLBACK_PAGES} pages): ${error.message}`));
    worker.once('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      for (const resolve of this.releasing.values()) resolve();
      this.releasing.clear();
    });
    this.worker = worker;
    return worker;
  }
}

let shared: Checkpointer | undefined;

/** Starts watching `file` on the process's checkpointer thread (started on first use, never holding the process open). */
export function watchCheckpoints(file: string): CheckpointWatch {
  shared ??= new Checkpointer();
  return shared.watch(file);
}
