import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { systemClock } from '../support/clocks.js';
import { newEvent } from '../support/event-store-contract.js';
import { ledger, startServerProcess } from '../support/processes.js';
import { logHead } from '../support/log-head.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Streams and global positions of the scripted log:
 *   1 a#0  2 a#1  3 b#0  4 a#2  5 b#1(marker)  6 c#0  7 c#1  8 b#2
 */
async function scriptedLog(file: string): Promise<void> {
  const store = new SqliteEventStore({ file, clock: systemClock, synchronous: 'NORMAL' });
  const append = (stream: string, n: number, data: Record<string, unknown> = {}) =>
    store.append(stream, Array.from({ length: n }, () => newEvent('TestEventHappened', data)), { expectedRevision: 'any' });
  await append('a', 2);
  await append('b', 1);
  await append('a', 1);
  await append('b', 1, { marker: 'TAMPER-ME-please' });
  await append('c', 2);
  await append('b', 1);
  await store.close();
}

/**
 * Changes the first byte of `marker` in the file where the live row holds it (SQLite pages can keep
 * stale copies of old cells in free space, which no reader sees) and checks the row did change.
 */
function editOneLiveByte(file: string, marker: string, replacement: string): void {
  const original = readFileSync(file);
  for (let at = original.indexOf(marker); at >= 0; at = original.indexOf(marker, at + 1)) {
    const edited = Buffer.from(original);
    edited[at] = replacement.charCodeAt(0);
    writeFileSync(file, edited);
    const db = new Database(file, { readonly: true });
    const changed = db.prepare('SELECT count(*) AS n FROM events WHERE data LIKE ?').get(`%${replacement}${marker.slice(1)}%`) as { n: number };
    db.close();
    if (changed.n === 1) return;
  }
  writeFileSync(file, original);
  throw new Error(`no live copy of ${marker} found in ${file}`);
}

function tamper(file: string, ...statements: string[]): void {
  const db = new Database(file);
  db.exec('DROP TRIGGER IF EXISTS events_are_immutable_update; DROP TRIGGER IF EXISTS events_are_immutable_delete;');
  for (const sql of statements) db.exec(sql);
  db.close();
}

describe('ledger verify', () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    dir = tempDir();
    file = join(dir.path, 'events.sqlite');
    env = { LEDGER_DATA_DIR: dir.path };
    await scriptedLog(file);
  });
  afterEach(() => dir.remove());

  const verify = () => ledger(['verify'], env);

  it('says ok, with the counts, for an untouched log', async () => {
    const result = await verify();
    expect(result.stdout).toBe('events checked: 8\nstreams checked: 3\ncheckpoints checked: 0\nok\n');
    expect(result.code).toBe(0);
  });

  it('catches one byte edited directly in the SQLite file', async () => {
    editOneLiveByte(file, 'TAMPER-ME-please', 'X');
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^broken: stream b, revision 1, position 5: content altered/m);
  });

  it('has triggers that refuse updates and deletes', () => {
    const db = new Database(file);
    expect(() => db.exec("UPDATE events SET type = 'X' WHERE position = 1")).toThrow(/immutable/);
    expect(() => db.exec('DELETE FROM events WHERE position = 1')).toThrow(/immutable/);
    db.close();
  });

  it('catches an edited event even after the triggers were dropped', async () => {
    tamper(file, `UPDATE events SET data = replace(data, 'TAMPER', 'TAMPOR') WHERE position = 5`);
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^broken: stream b, revision 1, position 5: content altered/m);
  });

  it('catches a deleted event in the middle of a stream', async () => {
    tamper(file, 'DELETE FROM events WHERE position = 2');
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^broken: stream b, revision 0, position 3: global position 2 is missing: the log jumps from position 1 \(stream a, revision 0\) to position 3/m);
  });

  it('catches the deletion of the last event of a stream, which the stream chain alone cannot see', async () => {
    tamper(file, 'DELETE FROM events WHERE position = 7');
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^broken: stream b, revision 2, position 8: global position 7 is missing/m);
  });

  it('catches the deletion of the last event of the whole log', async () => {
    tamper(file, 'DELETE FROM events WHERE position = 8');
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^broken: stream c, revision 1, position 7: the log head records position 8 but the last event is at 7: 1 event\(s\) deleted/m);
  });

  it('catches a deleted tail even when the attacker also moves the head back', async () => {
    tamper(file, 'DELETE FROM events WHERE position = 8', 'UPDATE log_head SET position = 7');
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^broken: the log head chain does not match the last event/m);
  });

  it('catches two events of different streams swapped in the global order', async () => {
    tamper(file, 'UPDATE events SET position = -1 WHERE position = 6', 'UPDATE events SET position = 6 WHERE position = 5', 'UPDATE events SET position = 5 WHERE position = -1');
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^broken: stream c, revision 0, position 5: the global chain does not link here/m);
  });

  it('works while the server is running and writing to the same file', async () => {
    const server = await startServerProcess(env);
    try {
      const writer = new SqliteEventStore({ file, clock: systemClock });
      await writer.append('d', [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
      const result = await verify();
      await writer.close();
      // The scripted log, the two appended here, and what the server's first start wrote; the log was dense.
      const { position, streams } = logHead(file);
      expect(position).toBeGreaterThan(10n);
      expect(result.stdout).toBe(`events checked: ${position}\nstreams checked: ${streams}\ncheckpoints checked: 0\nok\n`);
      expect(result.code).toBe(0);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
