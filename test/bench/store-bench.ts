/**
 * `npm run bench -- store`: the embedded store against raw better-sqlite3 on the same events, the
 * same file system and the same durability setting.
 *
 * The raw baseline is the least table an event store needs for the port's reads — the global order
 * (position) and each stream's order (a unique stream + revision index) — holding id, stream,
 * revision, type and data, with no envelope: no metadata, no hashes, no chain, no head, no
 * expected-revision or idempotency checks. Reads are a plain SELECT + JSON.parse of the data.
 * Each figure is the median of several runs, store and raw interleaved. Each runs with its own
 * defaults: the store as the ledger runs it (at NORMAL its WAL is checkpointed on a thread of its
 * own, decision 0008), raw better-sqlite3 with SQLite's (checkpoints on commit).
 */
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { NewEvent } from '../../domain/ports/event-store.js';
import { systemClock } from '../../infrastructure/clock/system-clock.js';
import type { Synchronous } from '../../infrastructure/event-store/sqlite/schema.js';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support/temp-dir.js';
import { newEvents, openRaw, rawInserter } from './raw-sqlite.js';

const RUNS = 5;
const perSecond = (count: number, ms: number): number => (count / ms) * 1000;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * Each side appends batches made just before its own run. (They once shared one set, made before
 * the store's run: the store's scavenges then paid for moving all of it to the old generation and
 * the raw run found it there — in side runs that was ~10 points of the ratio at NORMAL, 10 a transaction.)
 */
const batchesOf = (transactions: number, size: number): NewEvent[][] => Array.from({ length: transactions }, (_, t) => newEvents(size, t * size));

async function appendRun(dir: string, run: string, synchronous: Synchronous, transactions: number, size: number) {
  let batches = batchesOf(transactions, size);
  const store = new SqliteEventStore({ file: join(dir, `append-${run}.sqlite`), clock: systemClock, synchronous });
  let started = performance.now();
  for (const batch of batches) await store.append(`application-${randomUUID()}`, batch, { expectedRevision: 'no_stream' });
  const storeRate = perSecond(transactions * size, performance.now() - started);
  await store.close();

  const raw = openRaw(join(dir, `append-raw-${run}.sqlite`), synchronous);
  const insert = rawInserter(raw);
  batches = batchesOf(transactions, size);
  started = performance.now();
  for (const batch of batches) insert.immediate(`application-${randomUUID()}`, batch);
  const rawRate = perSecond(transactions * size, performance.now() - started);
  raw.close();
  return { storeRate, rawRate };
}

async function appendRates(dir: string, synchronous: Synchronous, transactions: number, size: number) {
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await appendRun(dir, `${synchronous}-${size}-${r}`, synchronous, transactions, size));
  return { storeRate: median(runs.map((r) => r.storeRate)), rawRate: median(runs.map((r) => r.rawRate)) };
}

async function loadForReads(storeFile: string, rawFile: string, events: number): Promise<number> {
  const store = new SqliteEventStore({ file: storeFile, clock: systemClock, synchronous: 'NORMAL' });
  const raw = openRaw(rawFile, 'NORMAL');
  const insert = rawInserter(raw);
  let bytes = 0;
  for (let loaded = 0; loaded < events; loaded += 1000) {
    const batch = newEvents(Math.min(1000, events - loaded), loaded);
    bytes += batch.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e.data)), 0);
    await store.append(`certificate-${loaded}`, batch, { expectedRevision: 'no_stream' });
    insert(`certificate-${loaded}`, batch);
  }
  await store.close();
  raw.close();
  return bytes / events;
}

async function readStore(file: string): Promise<number> {
  const store = new SqliteEventStore({ file, clock: systemClock });
  const started = performance.now();
  let count = 0;
  for await (const event of store.readAll()) if (event.data !== undefined) count += 1;
  const rate = perSecond(count, performance.now() - started);
  await store.close();
  return rate;
}

function readRaw(file: string): number {
  const raw = new Database(file, { readonly: true });
  const started = performance.now();
  let count = 0;
  const rows = raw.prepare<[], { data: string }>('SELECT position, event_id, stream, revision, type, data FROM raw_events ORDER BY position');
  for (const row of rows.iterate()) if (JSON.parse(row.data) !== undefined) count += 1;
  const rate = perSecond(count, performance.now() - started);
  raw.close();
  return rate;
}

async function readRates(dir: string, events: number) {
  const storeFile = join(dir, 'read.sqlite');
  const rawFile = join(dir, 'read-raw.sqlite');
  const meanBytes = await loadForReads(storeFile, rawFile, events);
  const store: number[] = [];
  const raw: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    store.push(await readStore(storeFile));
    raw.push(readRaw(rawFile));
  }
  return { storeRate: median(store), rawRate: median(raw), meanBytes };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (a: number, b: number): string => `${Math.round((a / b) * 100)}%`;

export async function runStoreBench(options: { events: number; appends: number }): Promise<void> {
  const dir = tempDir('jpki-bench-');
  try {
    console.log(`store benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB; median of ${RUNS} runs`);
    console.log('| measure | durability | embedded store | raw better-sqlite3 | store / raw | target |');
    console.log('|---|---|---:|---:|---:|---:|');
    for (const synchronous of ['FULL', 'NORMAL'] as const) {
      for (const size of [1, 10]) {
        const r = await appendRates(dir.path, synchronous, options.appends, size);
        console.log(`| append, ${size} event${size > 1 ? 's' : ''}/txn (events/s) | ${synchronous} | ${fmt(r.storeRate)} | ${fmt(r.rawRate)} | ${pct(r.storeRate, r.rawRate)} | ≥ 60% |`);
      }
    }
    const read = await readRates(dir.path, options.events);
    console.log(`| readAll over ${fmt(options.events)} events (events/s) | NORMAL | ${fmt(read.storeRate)} | ${fmt(read.rawRate)} | ${pct(read.storeRate, read.rawRate)} | ≥ 75% |`);
    console.log(`(mean event data ${Math.round(read.meanBytes)} bytes of JSON; ${fmt(options.appends)} transactions per append run)`);
  } finally {
    dir.remove();
  }
}
