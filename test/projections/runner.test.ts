/** The projection runner in process: catch-up then live, read-your-writes, and rebuilds while it runs. */
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { certificateStatusProjection } from '../../projections/certificate-status/certificate-status.js';
import type { Projection } from '../../projections/projection.js';
import { openReadModels, readCheckpoint } from '../../projections/read-model-db.js';
import { ProjectionRunner, resetProjections } from '../../projections/runner.js';
import { certificateLog } from '../support/certificate-log.js';
import { systemClock } from '../support/clocks.js';
import { newEvent } from '../support/event-store-contract.js';
import { tempDir } from '../support/temp-dir.js';

/** A second, tiny read model: how many events of each type it has folded. */
const typeCounts: Projection = {
  name: 'type-counts',
  version: 1,
  handles: new Set(['CertificateIssued', 'CertificateRevoked', 'TestEventHappened']),
  init: (db) => db.exec('CREATE TABLE IF NOT EXISTS type_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL)'),
  reset: (db) => db.exec('DROP TABLE IF EXISTS type_counts'),
  apply: (db: Database, event: RecordedEvent) => {
    db.prepare('INSERT INTO type_counts (type, n) VALUES (?, 1) ON CONFLICT (type) DO UPDATE SET n = n + 1').run(event.type);
  },
};

const counts = (db: Database) => Object.fromEntries(db.prepare<[], { type: string; n: number }>('SELECT type, n FROM type_counts ORDER BY type').all().map((r) => [r.type, r.n]));
const statusRows = (db: Database) => db.prepare<[], { n: number }>('SELECT count(*) AS n FROM certificate_status').get()?.n;

describe('the projection runner', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqliteEventStore;
  let db: Database;
  let runner: ProjectionRunner;

  beforeEach(async () => {
    dir = tempDir();
    await certificateLog(join(dir.path, 'events.sqlite'), 3000);
    store = new SqliteEventStore({ file: join(dir.path, 'events.sqlite'), clock: systemClock, synchronous: 'NORMAL', pollIntervalMs: 20 });
    db = openReadModels(join(dir.path, 'read-models.sqlite'));
    runner = new ProjectionRunner(store, db, [certificateStatusProjection, typeCounts], { batchSize: 250 });
  });
  afterEach(async () => {
    await runner.stop();
    db.close();
    await store.close();
    dir.remove();
  });

  it('catches up with the log, then folds live events as they are appended', async () => {
    runner.start();
    expect(await runner.waitFor(3000n, 10_000)).toBe(true);
    expect(counts(db)).toEqual({ CertificateIssued: 1000, CertificateRevoked: 666 });
    expect(statusRows(db)).toBe(1000);

    const appended = await store.append('test-1', [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
    const position = appended._tag === 'Right' ? appended.right.position : 0n;
    expect(await runner.waitFor(position, 5000)).toBe(true);
    expect(counts(db).TestEventHappened).toBe(2);
    expect(readCheckpoint(db, 'type-counts')).toBe(position);
  });

  it('waitFor answers false when the position is not reached in time', async () => {
    runner.start();
    expect(await runner.waitFor(10_000_000n, 100)).toBe(false);
  });

  it('rebuilds one read model while running, leaving the other as it was, and follows the reset', async () => {
    runner.start();
    expect(await runner.waitFor(3000n, 10_000)).toBe(true);
    const before = counts(db);

    resetProjections(db, [certificateStatusProjection, typeCounts], ['type-counts']);
    expect(counts(db)).toEqual({});
    const appended = await store.append('test-2', [newEvent()], { expectedRevision: 'no_stream' });
    const position = appended._tag === 'Right' ? appended.right.position : 0n;
    expect(await runner.waitFor(position, 10_000)).toBe(true);

    expect(counts(db)).toEqual({ ...before, TestEventHappened: 1 });
    expect(statusRows(db)).toBe(1000);
  });

  it('folds a read model of another version again from the start', async () => {
    await runner.catchUp();
    const bumped = { ...typeCounts, version: 2 };
    const upgraded = new ProjectionRunner(store, db, [certificateStatusProjection, bumped]);
    expect(counts(db)).toEqual({});
    await upgraded.catchUp();
    expect(counts(db)).toEqual({ CertificateIssued: 1000, CertificateRevoked: 666 });
  });

  it('folds nothing twice when started again from its checkpoints', async () => {
    await runner.catchUp();
    const first = counts(db);
    const again = new ProjectionRunner(store, db, [certificateStatusProjection, typeCounts]);
    await again.catchUp();
    expect(counts(db)).toEqual(first);
  });
});
