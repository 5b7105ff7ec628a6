/**
 * Group commit: appends given within one turn of the event loop are committed together, each keeping
 * its own meaning. The whole store contract runs through it, and the group's own promises are held.
 */
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../../infrastructure/event-store/group-commit.js';
import { SqliteEventStore } from '../../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { systemClock } from '../../support/clocks.js';
import { collect, describeEventStoreContract, newEvent } from '../../support/event-store-contract.js';
import { tempDir } from '../../support/temp-dir.js';

describeEventStoreContract('sqlite through group commit', async () => {
  const dir = tempDir();
  const store = new SqliteEventStore({ file: join(dir.path, 'events.sqlite'), clock: systemClock, synchronous: 'FULL' });
  return {
    store: groupCommit(store),
    dispose: async () => {
      await store.close();
      dir.remove();
    },
  };
});

function opened() {
  const dir = tempDir();
  const inner = new SqliteEventStore({ file: join(dir.path, 'events.sqlite'), clock: systemClock, synchronous: 'FULL' });
  let commits = 0;
  inner.onAppend(() => (commits += 1));
  return { inner, store: groupCommit(inner), commits: () => commits, close: async () => (await inner.close(), dir.remove()) };
}

describe('group commit', () => {
  it('commits twenty appends given at once in one transaction, each with its own result', async () => {
    const t = opened();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => t.store.append(`group-${i}`, [newEvent(), newEvent()], { expectedRevision: 'no_stream' })));
    expect(t.commits()).toBe(1);
    expect(results.every(E.isRight)).toBe(true);
    const positions = results.map((r) => (E.isRight(r) ? r.right.position : -1n));
    expect(new Set(positions).size).toBe(20);
    for (const [i, r] of results.entries()) {
      expect(E.isRight(r) && r.right.nextExpectedRevision).toBe(1n);
      expect(await collect(t.store.readStream(`group-${i}`))).toHaveLength(2);
    }
    await t.close();
  });

  it('lets exactly one of two appends with the same expectation in one group win', async () => {
    const t = opened();
    const [a, b] = await Promise.all([0, 1].map(() => t.store.append('group-race', [newEvent()], { expectedRevision: 'no_stream' })));
    expect([a, b].filter((r) => r !== undefined && E.isRight(r))).toHaveLength(1);
    expect((await collect(t.store.readStream('group-race'))).length).toBe(1);
    await t.close();
  });

  it('fails only the append at fault when one cannot be written, and commits the others', async () => {
    const t = opened();
    const bad = { ...newEvent(), data: { value: Number.NaN } };
    const outcomes = await Promise.allSettled([
      t.store.append('group-ok-1', [newEvent()], { expectedRevision: 'no_stream' }),
      t.store.append('group-bad', [newEvent(), bad], { expectedRevision: 'no_stream' }),
      t.store.appendEach([{ stream: 'group-ok-2', events: [newEvent()], expectedRevision: 'no_stream' }]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await collect(t.store.readStream('group-bad'))).toEqual([]);
    expect((await collect(t.store.readStream('group-ok-1'))).length).toBe(1);
    expect((await collect(t.store.readStream('group-ok-2'))).length).toBe(1);
    await t.close();
  });
});
