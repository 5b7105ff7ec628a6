import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FALLBACK_PAGES, type Checkpoints } from '../../../infrastructure/event-store/sqlite/checkpointer.js';
import { SqliteEventStore } from '../../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { loadConfig } from '../../../infrastructure/config/config.js';
import { openEventStore, sqliteFile } from '../../../infrastructure/event-store/open-event-store.js';
import { systemClock } from '../../support/clocks.js';
import { collect, newEvent } from '../../support/event-store-contract.js';
import { tempDir } from '../../support/temp-dir.js';

const PAGE = 4096;
const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

function open(checkpoints: Checkpoints | undefined, synchronous: 'FULL' | 'NORMAL' = 'NORMAL'): { store: SqliteEventStore; file: string } {
  const dir = tempDir();
  dirs.push(dir);
  const file = join(dir.path, 'events.sqlite');
  return { store: new SqliteEventStore({ file, clock: systemClock, synchronous, ...(checkpoints === undefined ? {} : { checkpoints }) }), file };
}

/** Appends about `pages` pages of events (a 3 KB note each), in transactions of 100. */
async function fill(store: SqliteEventStore, pages: number): Promise<void> {
  const note = 'x'.repeat(3000);
  for (let t = 0; t < Math.ceil(pages / 100); t++) {
    await store.append(`fill-${t}`, Array.from({ length: 100 }, () => newEvent('Filled', { note })), { expectedRevision: 'no_stream' });
  }
}

const size = (file: string): number => (existsSync(file) ? statSync(file).size : 0);

async function eventually(check: () => boolean, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe('sqlite adapter: the WAL is copied back on a thread of its own', () => {
  it('a background store has its commits copied into the database file soon after, though no commit of its own did it', async () => {
    const { store, file } = open('background');
    const before = size(file);
    await fill(store, 600);
    // 600 pages stay under SQLite's own 1,000-page line: nothing but the thread copies them.
    expect(await eventually(() => size(file) > before + 500 * PAGE)).toBe(true);
    expect(await collect(store.readStream('fill-5'))).toHaveLength(100);
    await store.close();
  });

  it('a store whose checkpoints are external leaves the WAL alone up to the fallback line, then copies it and starts it again', async () => {
    const { store, file } = open('external');
    const before = size(file);
    await fill(store, 2000);
    expect(size(file)).toBe(before);
    expect(size(`${file}-wal`)).toBeGreaterThan(1900 * PAGE);
    await fill(store, FALLBACK_PAGES);
    // The commit past the line copied the lot (some frames were pages written more than once);
    // the WAL began again and never grew far past the line.
    expect(size(file)).toBeGreaterThan((FALLBACK_PAGES / 2) * PAGE);
    expect(size(`${file}-wal`)).toBeLessThan((FALLBACK_PAGES + 500) * PAGE);
    await store.close();
  });

  it('by default a store at NORMAL has the thread copy its commits, and one at FULL leaves them to its own commits', async () => {
    const normal = open(undefined, 'NORMAL');
    const full = open(undefined, 'FULL');
    const before = { normal: size(normal.file), full: size(full.file) };
    await fill(normal.store, 300);
    await fill(full.store, 300);
    expect(await eventually(() => size(normal.file) > before.normal + 200 * PAGE)).toBe(true);
    expect(size(full.file)).toBe(before.full);
    await Promise.all([normal.store.close(), full.store.close()]);
  });

  it("a worker thread's store opened from configuration leaves its WAL to the main thread's store on the same file, whose thread copies it", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const config = loadConfig({ LEDGER_DATA_DIR: dir.path, LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' });
    const inWorker = (await openEventStore(config, systemClock, 'worker')) as SqliteEventStore;
    const file = sqliteFile(config);
    const before = size(file);
    await fill(inWorker, 600);
    // Twenty of the thread's intervals: nothing copies for the worker's store alone.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(size(file)).toBe(before);
    const main = (await openEventStore(config, systemClock)) as SqliteEventStore;
    await main.append('main-1', [newEvent()], { expectedRevision: 'no_stream' });
    expect(await eventually(() => size(file) > before + 500 * PAGE)).toBe(true);
    await inWorker.close();
    await main.close();
  });

  it('closing a background store waits for the thread to let go of the file, so the store closes it last and the WAL is gone', async () => {
    const { store, file } = open('background');
    const before = size(file);
    await fill(store, 50);
    // The thread has checkpointed, so its connection holds the WAL open.
    expect(await eventually(() => size(file) > before)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(true);
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const again = new SqliteEventStore({ file, clock: systemClock });
    expect(await collect(again.readStream('fill-0'))).toHaveLength(100);
    await again.close();
  });
});
