/**
 * Schema version 1 (hash and chain as 64 hex characters) is converted to version 2 (32 bytes) when
 * the store opens it: the same events, the same hashes, a log that still verifies and goes on.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../domain/ports/event-store.js';
import { SqliteEventStore } from '../../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { verifySqliteFile } from '../../../infrastructure/event-store/sqlite/sqlite-integrity.js';
import { systemClock } from '../../support/clocks.js';
import { collect, newEvent } from '../../support/event-store-contract.js';
import { tempDir } from '../../support/temp-dir.js';

const VERSION_1_DDL = `
CREATE TABLE events (
  position INTEGER PRIMARY KEY, event_id TEXT NOT NULL, stream TEXT NOT NULL, revision INTEGER NOT NULL,
  type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, hash TEXT NOT NULL, chain TEXT NOT NULL,
  UNIQUE (stream, revision));
CREATE TABLE log_head (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, chain TEXT NOT NULL);
CREATE TRIGGER events_are_immutable_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TRIGGER events_are_immutable_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
PRAGMA user_version = 1;`;

/** Writes a log through the store, then the same rows into a file laid out as schema version 1. */
async function version1File(dir: string, tamper?: string): Promise<{ file: string; original: RecordedEvent[] }> {
  const source = join(dir, 'v2.sqlite');
  const store = new SqliteEventStore({ file: source, clock: systemClock, synchronous: 'NORMAL' });
  await store.append('a', [newEvent('TestEventHappened', { n: 1 }), newEvent('TestEventHappened', { n: 2 })], { expectedRevision: 'no_stream' });
  await store.append('b', [newEvent('TestEventHappened', { name: '山田' })], { expectedRevision: 'no_stream' });
  await store.append('a', [newEvent('TestEventHappened', { n: 3 })], { expectedRevision: 1n });
  const original = await collect(store.readAll());
  await store.close();

  const file = join(dir, 'v1.sqlite');
  const db = new Database(file);
  db.exec(VERSION_1_DDL);
  db.exec(`ATTACH '${source}' AS v2`);
  db.exec(`INSERT INTO events SELECT position, event_id, stream, revision, type, data, metadata, lower(hex(hash)), lower(hex(chain)) FROM v2.events`);
  db.exec(`INSERT INTO log_head SELECT id, position, lower(hex(chain)) FROM v2.log_head`);
  db.exec('DETACH v2');
  if (tamper !== undefined) db.exec(`DROP TRIGGER events_are_immutable_update; ${tamper}`);
  db.close();
  return { file, original };
}

describe('sqlite schema version 1 → 2', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('jpki-schema-');
  });
  afterEach(() => dir.remove());

  it('verifies a version 1 file as it is, converts it on open, and the log reads, verifies and extends as before', async () => {
    const { file, original } = await version1File(dir.path);
    const before = verifySqliteFile(file);
    expect(before.broken).toBeUndefined();
    expect(before.eventsChecked).toBe(4);

    const store = new SqliteEventStore({ file, clock: systemClock, synchronous: 'NORMAL' });
    const converted = await collect(store.readAll());
    expect(converted.map((e) => [e.id, e.stream, e.revision, e.position, e.data, e.metadata])).toEqual(
      original.map((e) => [e.id, e.stream, e.revision, e.position, e.data, e.metadata]),
    );
    const next = await store.append('b', [newEvent()], { expectedRevision: 0n });
    expect(E.isRight(next) && next.right.position).toBe(5n);
    const [b0, b1] = await collect(store.readStream('b'));
    expect(b1?.metadata.prevHash).toBe(b0?.metadata.hash);
    await store.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT DISTINCT typeof(hash) AS t, length(hash) AS n FROM events').all()).toEqual([{ t: 'blob', n: 32 }]);
    db.close();
    const after = verifySqliteFile(file);
    expect(after.broken).toBeUndefined();
    expect(after.eventsChecked).toBe(5);
  });

  it('refuses to convert a version 1 file whose stored hash is not 64 hex characters, and leaves it as it was', async () => {
    const { file } = await version1File(dir.path, `UPDATE events SET hash = 'not-a-hash' WHERE position = 2`);
    expect(() => new SqliteEventStore({ file, clock: systemClock })).toThrow(/1 event\(s\) whose hash or chain is not 64 hex characters/);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
    expect(verifySqliteFile(file).broken?.position).toBe(2n);
  });
});
