/**
 * Exactly once across a crash: a server killed (SIGKILL) while its projections catch up on 100,000
 * events, then restarted, ends with the same read model as a clean rebuild from the log.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PROJECTIONS } from '../../projections/read-models.js';
import { afterAll, describe, expect, it } from 'vitest';
import { certificateLog } from '../support/certificate-log.js';
import { ledger, spawnServerProcess, startServerProcess } from '../support/processes.js';
import { logHead } from '../support/log-head.js';
import { tempDir } from '../support/temp-dir.js';

const EVENTS = 100_000;

function checkpoint(dataDir: string): bigint {
  try {
    const db = new Database(join(dataDir, 'read-models.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare<[], { position: string }>("SELECT position FROM checkpoints WHERE projection = 'certificate-status'").get();
      return row === undefined ? 0n : BigInt(row.position);
    } finally {
      db.close();
    }
  } catch {
    return 0n;
  }
}

function statusTable(dataDir: string): unknown[] {
  return rows(dataDir, 'SELECT * FROM certificate_status ORDER BY serial_number');
}

function rows(dataDir: string, sql: string): unknown[] {
  const db = new Database(join(dataDir, 'read-models.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

/** The other read models, compared whole: the Merkle tree and the certificate timeline. */
const otherModels = (dataDir: string) => ({
  merkle: rows(dataDir, 'SELECT level, idx, hex(hash) AS hash FROM merkle_nodes ORDER BY level, idx'),
  timeline: rows(dataDir, 'SELECT * FROM certificate_timeline ORDER BY serial_number, position'),
});

async function until(condition: () => boolean, timeoutMs: number, pollMs = 5): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return condition();
}

describe('the projection runner across a crash', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('neither loses nor double-applies an event when killed during catch-up', async () => {
    const live = join(dir.path, 'live');
    mkdirSync(live);
    await certificateLog(join(live, 'events.sqlite'), EVENTS);

    const first = spawnServerProcess({ LEDGER_DATA_DIR: live });
    const midway = await until(() => checkpoint(live) >= BigInt(Math.floor(EVENTS / 3)), 30_000, 2);
    const killedAt = checkpoint(live);
    await first.stop('SIGKILL');
    // What the first start wrote before it was killed (issuing CAs, responders) is part of the log too.
    const head = logHead(join(live, 'events.sqlite')).position;
    expect(midway).toBe(true);
    expect(killedAt, 'the catch-up finished before the kill; the test proves nothing').toBeLessThan(head);

    const second = await startServerProcess({ LEDGER_DATA_DIR: live });
    // The restarted server appends more (its first CRLs); wait until the read model holds all of it.
    expect(await until(() => checkpoint(live) === logHead(join(live, 'events.sqlite')).position, 60_000, 20)).toBe(true);
    expect((await second.stop()).code).toBe(0);
    const final = logHead(join(live, 'events.sqlite')).position;

    const clean = join(dir.path, 'clean');
    mkdirSync(clean);
    copyFileSync(join(live, 'events.sqlite'), join(clean, 'events.sqlite'));
    const rebuilt = await ledger(['projections', 'rebuild'], { LEDGER_DATA_DIR: clean });
    expect(rebuilt.stdout).toMatch(new RegExp(`^rebuilt ${PROJECTIONS.map((p) => p.name).join(', ')} to position ${final} in [\\d.]+ s\\n$`));

    const recovered = statusTable(live);
    expect(recovered).toHaveLength(Math.ceil(EVENTS / 3));
    expect(recovered).toEqual(statusTable(clean));
    expect(otherModels(live)).toEqual(otherModels(clean));
    console.log(`killed at position ${killedAt} of ${head}; recovered read model equals a clean rebuild (${recovered.length} certificates)`);
  }, 120_000);
});
