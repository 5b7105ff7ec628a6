/**
 * The projection runner when its read-model file cannot be written (full: SQLite's own page limit,
 * `max_page_count`, lowered on the runner's connection): it keeps trying with a growing pause
 * instead of once a second forever, logs once when it starts failing and once when it recovers
 * (not once per attempt), and folds everything once there is room again.
 */
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import type { Projection } from '../../projections/projection.js';
import { openReadModels } from '../../projections/read-model-db.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { systemClock } from '../support/clocks.js';
import { newEvent } from '../support/event-store-contract.js';
import { tempDir } from '../support/temp-dir.js';

/** A read model that takes room: 8 KB a event. */
const blobs: Projection = {
  name: 'blobs',
  version: 1,
  handles: new Set(['TestEventHappened']),
  init: (db) => db.exec('CREATE TABLE IF NOT EXISTS blobs (position INTEGER PRIMARY KEY, body BLOB NOT NULL)'),
  reset: (db) => db.exec('DROP TABLE IF EXISTS blobs'),
  apply: (db: Database, event: RecordedEvent) => {
    db.prepare('INSERT INTO blobs (position, body) VALUES (?, zeroblob(8192))').run(event.position);
  },
};

describe('the projection runner on a full read-model file', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('backs off, logs once failing and once recovered, and catches up when room returns', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const inner = new SqliteEventStore({ file: join(dir.path, 'events.sqlite'), clock: systemClock, pollIntervalMs: 20 });
    cleanups.push(() => inner.close());
    // Counts the runner's attempts: each starts a subscription.
    let subscriptions = 0;
    const store: EventStore = new Proxy(inner, {
      get(target, property, receiver) {
        if (property === 'subscribeToAll') {
          return (...args: Parameters<EventStore['subscribeToAll']>) => {
            subscriptions += 1;
            return target.subscribeToAll(...args);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const db = openReadModels(join(dir.path, 'read-models.sqlite'));
    cleanups.push(() => void db.close());
    const logged: { level: string; message: string }[] = [];
    const log = {
      error: (_details: object, message: string) => logged.push({ level: 'error', message }),
      info: (_details: object, message: string) => logged.push({ level: 'info', message }),
    };
    const runner = new ProjectionRunner(store, db, [blobs], { log });
    cleanups.push(() => runner.stop());
    runner.start();
    await inner.append('warm-up', [newEvent()], { expectedRevision: 'no_stream' });
    expect(await runner.waitFor(1n, 5000)).toBe(true);

    // The file is full: not one more page.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const appended = await inner.append('full', Array.from({ length: 20 }, () => newEvent()), { expectedRevision: 'no_stream' });
    const head = appended._tag === 'Right' ? appended.right.position : 0n;
    const attemptsBefore = subscriptions;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(runner.position).toBeLessThan(head);
    // It kept trying (100 ms, doubling: 100, 200, 400, 800 … in three seconds) …
    expect(subscriptions - attemptsBefore).toBeGreaterThanOrEqual(4);
    // … and said so once.
    expect(logged.filter((entry) => entry.level === 'error')).toHaveLength(1);
    expect(logged[0]?.message).toMatch(/projection runner/);

    db.pragma('max_page_count = 1073741823');
    expect(await runner.waitFor(head, 10_000)).toBe(true);
    expect(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM blobs').get()?.n).toBe(21);
    expect(logged.filter((entry) => entry.level === 'error')).toHaveLength(1);
    const recovered = logged.filter((entry) => entry.level === 'info');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]?.message).toMatch(/recovered/);
  });
});
