/** The projection runner in a worker thread: the same read models as in-thread, live folds, cache notices, a worker that dies. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { openReadModelsFor, openReadModelsInWorker, type ReadModels } from '../../projections/read-models.js';
import type { WorkerProjectionRunner } from '../../projections/worker/worker-runner.js';
import { certificateLog } from '../support/certificate-log.js';
import { systemClock } from '../support/clocks.js';
import { tempDir } from '../support/temp-dir.js';

const TABLES = {
  certificate_status: 'SELECT * FROM certificate_status ORDER BY serial_number',
  merkle_nodes: 'SELECT level, idx, hex(hash) AS hash FROM merkle_nodes ORDER BY level, idx',
  merkle_leaves: 'SELECT * FROM merkle_leaves ORDER BY idx',
  certificate_timeline: 'SELECT * FROM certificate_timeline ORDER BY serial_number, position',
};

function tables(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(Object.entries(TABLES).map(([name, sql]) => [name, db.prepare(sql).all()]));
  } finally {
    db.close();
  }
}

const revocation = (serialNumber: string) => ({
  id: crypto.randomUUID(),
  type: 'CertificateRevoked',
  schemaVersion: 1,
  data: { serialNumber, reason: 'affiliationChanged', legalGround: 'registry-change', revokedAt: '2026-12-07T00:00:00.000Z', effectiveAt: '2026-12-07T00:00:00.000Z' },
  metadata: { actor: { id: 'op-1', role: 'prefectural-operator', organisation: 'tokyo' }, correlationId: 'c', causationId: 'c' },
});

describe('the projection runner in a worker thread', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqliteEventStore;
  let readModels: ReadModels<WorkerProjectionRunner>;

  beforeEach(async () => {
    dir = tempDir();
    await certificateLog(join(dir.path, 'events.sqlite'), 3000);
    // A long poll interval: only the wake-up from this thread's appends makes a live fold prompt.
    store = new SqliteEventStore({ file: join(dir.path, 'events.sqlite'), clock: systemClock, synchronous: 'NORMAL', pollIntervalMs: 60_000 });
    readModels = openReadModelsInWorker(dir.path, { dataDir: dir.path, LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' }, { onAppend: (listener) => store.onAppend(listener), restartDelayMs: 10 });
  });
  afterEach(async () => {
    await readModels.close();
    await store.close();
    dir.remove();
  });

  it('builds the read models an in-thread runner builds from the same log, then folds live appends made here', async () => {
    readModels.runner.start();
    expect(await readModels.runner.waitFor(3000n, 20_000)).toBe(true);
    expect(readModels.certificateStatus.bySerial('10000001')?.revocation?.reason).toBe('keyCompromise');
    expect(readModels.certificateStatus.bySerial('10000003')?.revocation).toBeUndefined();

    const appended = await store.append('certificate-10000003', [revocation('10000003')], { expectedRevision: 2n });
    const position = appended._tag === 'Right' ? appended.right.position : 0n;
    expect(await readModels.runner.waitFor(position, 20_000)).toBe(true);
    expect(readModels.runner.position).toBe(position);

    const inThread = join(dir.path, 'in-thread');
    mkdirSync(inThread);
    const reference = openReadModelsFor(inThread, store);
    await reference.runner.catchUp();
    await reference.close();
    const folded = tables(join(dir.path, 'read-models.sqlite'));
    expect(folded.certificate_status).toHaveLength(1000);
    expect(folded).toEqual(tables(join(inThread, 'read-models.sqlite')));
  });

  it('tells this thread which certificates a batch changed before releasing the waiters, so a cached status is never served stale', async () => {
    readModels.runner.start();
    expect(await readModels.runner.waitFor(3000n, 20_000)).toBe(true);
    expect(readModels.certificateStatus.bySerial('10000006')?.holdPlacedAt).toBeDefined(); // now cached
    const told: string[] = [];
    readModels.runner.onFolded((events) => told.push(...events.map((e) => String((e.data as { serialNumber?: unknown }).serialNumber))));

    const appended = await store.append('certificate-10000006', [revocation('10000006')], { expectedRevision: 2n });
    expect(await readModels.runner.waitFor(appended._tag === 'Right' ? appended.right.position : 0n, 20_000)).toBe(true);
    expect(told).toEqual(['10000006']);
    expect(readModels.certificateStatus.bySerial('10000006')?.revocation?.reason).toBe('affiliationChanged');
  });

  it('starts a worker that died again, which goes on from the checkpoints without folding anything twice', async () => {
    readModels.runner.start();
    expect(await readModels.runner.waitFor(3000n, 20_000)).toBe(true);
    const before = tables(join(dir.path, 'read-models.sqlite'));

    await readModels.runner.terminate();
    const appended = await store.append('certificate-10000009', [revocation('10000009')], { expectedRevision: 2n });
    const position = appended._tag === 'Right' ? appended.right.position : 0n;
    expect(await readModels.runner.waitFor(position, 20_000)).toBe(true);

    const after = tables(join(dir.path, 'read-models.sqlite'));
    expect(after.merkle_leaves).toHaveLength((before.merkle_leaves as unknown[]).length + 1);
    expect(after.certificate_status).toHaveLength(1000);
    expect(readModels.certificateStatus.bySerial('10000009')?.revocation?.reason).toBe('affiliationChanged');
  });
});
