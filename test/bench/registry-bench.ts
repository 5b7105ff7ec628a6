/**
 * `npm run bench -- registry`: with N issued certificates in the ledger, a feed of N change notices
 * (70% address, 10% name, 5% death, 5% emigration, 10% minor) posted in batches to the
 * server: notices per second from the first receipt to the last reply recorded, and the lag from a
 * notice's receipt to its reply (median, p99) while the feed runs. Target: ≥ 2,000 notices/s, p99
 * lag under 2 s, on the embedded store. The clock starts once the server has caught up with the
 * seeded ledger (its read models built, the reactor past the issuances), printed on its own.
 * Each durability runs two feeds by default: posted as fast as the server takes them (the rate the
 * ledger reaches; the lag there is the queue the feed builds), and paced at 2,000 notices/s in
 * batches of 200 every 100 ms (the lag while a feed runs at the target rate). `--rate 2400` or
 * `--rate max,2000` chooses the feeds (`max`: as fast as taken).
 */
import { join } from 'node:path';
import { startServer } from '../../api/server.js';
import type { Synchronous } from '../../infrastructure/event-store/sqlite/schema.js';
import { loadConfig } from '../../infrastructure/config/config.js';
import { collect } from '../support/event-store-contract.js';
import { noticeFeed, seedLedger, SEED_HOLDER_REF_KEY } from '../support/seed-ledger.js';
import { tempDir } from '../support/temp-dir.js';
import { tokenFor } from '../support/test-app.js';

const SECRET = 'registry-bench-secret-of-at-least-32-chars';
const BATCH = 10_000;

async function run(notices: number, synchronous: Synchronous, rate: number | undefined): Promise<void> {
  const dir = tempDir('jpki-bench-registry-');
  try {
    const seeding = performance.now();
    const holders = await seedLedger(join(dir.path, 'events.sqlite'), notices, { signingOnly: true });
    const seeded = (performance.now() - seeding) / 1000;
    const server = await startServer(
      loadConfig({ LEDGER_DATA_DIR: dir.path, PORT: '0', LEDGER_JWT_SECRET: SECRET, LEDGER_HOLDER_REF_KEY: SEED_HOLDER_REF_KEY, LEDGER_SQLITE_SYNCHRONOUS: synchronous }),
    );
    try {
      // The ledger as it runs on a working day: read models and the reactor up to date before the feed.
      const catchingUp = performance.now();
      const seededHead = await server.store.headPosition();
      while (!(await server.ledger.readModels.runner.waitFor(seededHead, 60_000)) || !(await server.ledger.registryReactor.waitFor(seededHead, 60_000))) {
        // still catching up
      }
      const caughtUp = (performance.now() - catchingUp) / 1000;
      const feed = noticeFeed(holders, 'B');
      const authorization = `Bearer ${tokenFor({ role: 'registry-feed', organisation: 'juki-net' }, { secret: SECRET, issuer: 'jpki-ledger' })}`;
      const started = performance.now();
      const batch = rate === undefined ? BATCH : Math.max(1, Math.round(rate / 10));
      for (let from = 0; from < feed.length; from += batch) {
        if (rate !== undefined) {
          const due = started + (from / rate) * 1000;
          if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
        }
        const res = await fetch(`${server.url}/v1/registry-changes/batch`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify(feed.slice(from, from + batch)),
        });
        if (res.status !== 200) throw new Error(`batch refused: ${res.status} ${await res.text()}`);
      }
      const received = performance.now();
      const head = await server.store.headPosition();
      while (!(await server.ledger.registryReactor.waitFor(head, 60_000))) {
        // still working: the reactor reports progress by position
      }
      const finished = performance.now();

      const events = await collect(server.store.readAll());
      const receivedAt = new Map<string, number>();
      const lags: number[] = [];
      for (const event of events) {
        if (event.type === 'RegistryChangeReceived') receivedAt.set(String(event.data.noticeId), Date.parse(event.metadata.recordedAt));
        if (event.type === 'RegistryChangeReplied') lags.push(Date.parse(event.metadata.recordedAt) - (receivedAt.get(String(event.data.noticeId)) ?? 0));
      }
      lags.sort((a, b) => a - b);
      const at = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? NaN;
      const seconds = (finished - started) / 1000;
      console.log(
        `| ${notices.toLocaleString('en-US')} | ${rate === undefined ? 'as fast as taken' : `${rate.toLocaleString('en-US')}/s`} | ${synchronous} | ${seeded.toFixed(0)} s | ${caughtUp.toFixed(1)} s | ${((received - started) / 1000).toFixed(1)} s | ${seconds.toFixed(1)} s | ${Math.round(notices / seconds).toLocaleString('en-US')} | ${at(0.5)} ms | ${at(0.99)} ms | ${lags.length.toLocaleString('en-US')} |`,
      );
    } finally {
      await server.close();
    }
  } finally {
    dir.remove();
  }
}

/** `rates`: the feeds, each notices/s or `undefined` for as fast as taken (default: both, the paced one at the target rate). */
export async function runRegistryBench(options: { notices: number; durabilities: readonly Synchronous[]; rates?: readonly (number | undefined)[] }): Promise<void> {
  console.log('registry benchmark — certificates seeded straight into the store, then the feed posted in batches over HTTP to one server');
  console.log('| notices | feed | durability | seeding | catch-up at start | receiving | receipt → last reply | notices/s | lag p50 | lag p99 | replies |');
  console.log('|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const synchronous of options.durabilities) for (const rate of options.rates ?? [undefined, 2000]) await run(options.notices, synchronous, rate);
  console.log('targets: ≥ 2,000 notices/s end to end (as fast as taken), p99 lag under 2 s while the feed runs at 2,000/s');
}
