/**
 * The checkpointer thread (checkpointer.ts): a connection to each watched file, and every
 * INTERVAL_MS a passive checkpoint of each file committed to since the last look. A passive
 * checkpoint never waits for readers or writers; a file it cannot open or checkpoint is left to
 * its store's own fallback.
 */
import Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';
import type { FromCheckpointer, ToCheckpointer } from './checkpointer-messages.js';

/** How often the thread looks: the WAL grows by a few hundred pages in this time at full speed. */
const INTERVAL_MS = 25;

interface Watched {
  readonly db: Database.Database | undefined;
  readonly counter: Int32Array;
  seen: number;
}

const port = parentPort;
if (port === null) throw new Error('the checkpointer runs as a worker thread');
const watched = new Map<number, Watched>();
let timer: NodeJS.Timeout | undefined;

function open(file: string): Database.Database | undefined {
  try {
    return new Database(file, { fileMustExist: true, timeout: 0 });
  } catch {
    return undefined;
  }
}

function look(): void {
  for (const w of watched.values()) {
    const count = Atomics.load(w.counter, 0);
    if (count === w.seen || w.db === undefined) continue;
    w.seen = count;
    try {
      w.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy or failing now: the next commit asks again, and the store's fallback bounds the WAL.
    }
  }
}

port.on('message', (message: ToCheckpointer) => {
  if (message.kind === 'watch') {
    watched.set(message.id, { db: open(message.file), counter: message.counter, seen: 0 });
    timer ??= setInterval(look, INTERVAL_MS);
    return;
  }
  watched.get(message.id)?.db?.close();
  watched.delete(message.id);
  if (watched.size === 0 && timer !== undefined) {
    clearInterval(timer);
    timer = undefined;
  }
  port.postMessage({ kind: 'released', id: message.id } satisfies FromCheckpointer);
});
