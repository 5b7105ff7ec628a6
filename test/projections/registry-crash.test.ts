/**
 * The registry reactor across a crash: the same feed of notices into two copies of one ledger, one
 * run uninterrupted, the other killed (SIGKILL) in the middle of processing, restarted and sent the
 * batch again (as a feed retries). Both must end with the same outcomes, replies and revocations,
 * and no certificate revoked twice.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { systemClock } from '../support/clocks.js';
import { collect } from '../support/event-store-contract.js';
import { spawnServerProcess, startServerProcess } from '../support/processes.js';
import { noticeFeed, seedLedger, SEED_HOLDER_REF_KEY } from '../support/seed-ledger.js';
import { tempDir } from '../support/temp-dir.js';
import { tokenFor } from '../support/test-app.js';

const HOLDERS = 1500;
const SECRET = 'registry-crash-secret-of-at-least-32-chars';
const FEED = `Bearer ${tokenFor({ role: 'registry-feed', organisation: 'juki-net' }, { secret: SECRET, issuer: 'jpki-ledger' })}`;

function replied(dataDir: string): number {
  try {
    const db = new Database(join(dataDir, 'read-models.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM registry_notices WHERE reply_status IS NOT NULL').get()?.n ?? 0;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !condition()) await new Promise((r) => setTimeout(r, 20));
  return condition();
}

/** What the ledger decided, timestamps aside: per notice its reply; per certificate its revocations. */
async function outcome(dataDir: string) {
  const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite'), clock: systemClock });
  try {
    const events = await collect(store.readAll());
    const replies = events
      .filter((e) => e.type === 'RegistryChangeReplied')
      .map((e) => {
        const d = e.data as { noticeId: string; status: string; revoked: string[]; flagged: string[] };
        return `${d.noticeId} ${d.status} ${[...d.revoked].sort().join(',')} ${[...d.flagged].sort().join(',')}`;
      })
      .sort();
    const revocations = events
      .filter((e) => e.type === 'CertificateRevoked')
      .map((e) => {
        const d = e.data as { serialNumber: string; reason: string; legalGround: string };
        return `${d.serialNumber} ${d.reason} ${d.legalGround}`;
      })
      .sort();
    return { replies, revocations };
  } finally {
    await store.close();
  }
}

describe('the registry reactor across a crash', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('ends in the same ledger as an uninterrupted run', async () => {
    const seed = join(dir.path, 'seed');
    mkdirSync(seed);
    const holders = await seedLedger(join(seed, 'events.sqlite'), HOLDERS);
    const feed = noticeFeed(holders, 'N');
    const env = (dataDir: string) => ({ LEDGER_DATA_DIR: dataDir, LEDGER_JWT_SECRET: SECRET, LEDGER_HOLDER_REF_KEY: SEED_HOLDER_REF_KEY, LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' });
    const send = (url: string) => fetch(`${url}/v1/registry-changes/batch`, { method: 'POST', headers: { authorization: FEED, 'content-type': 'application/json' }, body: JSON.stringify(feed) });

    const calm = join(dir.path, 'calm');
    cpSync(seed, calm, { recursive: true });
    const steady = await startServerProcess(env(calm));
    expect((await (await send(steady.url)).json()) as object).toMatchObject({ accepted: HOLDERS });
    expect(await until(() => replied(calm) === HOLDERS, 120_000)).toBe(true);
    await steady.stop();

    const crashed = join(dir.path, 'crashed');
    cpSync(seed, crashed, { recursive: true });
    const victim = spawnServerProcess(env(crashed));
    void send(await victim.listening).catch(() => undefined);
    expect(await until(() => replied(crashed) >= HOLDERS / 4, 120_000)).toBe(true);
    await victim.stop('SIGKILL');
    const killedAt = replied(crashed);
    expect(killedAt, 'the reactor finished before the kill; the test proves nothing').toBeLessThan(HOLDERS);

    const restarted = await startServerProcess(env(crashed));
    const retried = (await (await send(restarted.url)).json()) as { accepted: number; duplicates: number };
    expect(retried.accepted + retried.duplicates).toBe(HOLDERS);
    expect(await until(() => replied(crashed) === HOLDERS, 120_000)).toBe(true);
    await restarted.stop();

    const [a, b] = [await outcome(calm), await outcome(crashed)];
    expect(b.replies).toHaveLength(HOLDERS);
    expect(b.replies).toEqual(a.replies);
    expect(b.revocations).toEqual(a.revocations);
    expect(new Set(b.revocations.map((r) => r.split(' ')[0])).size).toBe(b.revocations.length);
    console.log(`killed after ${killedAt} of ${HOLDERS} replies; ${b.revocations.length} revocations, identical to the uninterrupted run`);
  }, 300_000);
});
