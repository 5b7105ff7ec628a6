import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { systemClock } from '../../support/clocks.js';
import { collect, describeEventStoreContract, newEvent } from '../../support/event-store-contract.js';
import { tempDir } from '../../support/temp-dir.js';

describeEventStoreContract('sqlite', async () => {
  const dir = tempDir();
  const store = new SqliteEventStore({ file: join(dir.path, 'events.sqlite'), clock: systemClock, synchronous: 'NORMAL' });
  return {
    store,
    dispose: async () => {
      await store.close();
      dir.remove();
    },
  };
});

describe('sqlite adapter: atomic append at the storage level', () => {
  it('rolls back the whole batch when a row fails inside the transaction', async () => {
    const dir = tempDir();
    const store = new SqliteEventStore({ file: join(dir.path, 'events.sqlite'), clock: systemClock, synchronous: 'NORMAL' });
    // A NOT NULL violation on the second row, after the first row and before the head update.
    const broken = { ...newEvent(), type: null as unknown as string };
    await expect(store.append('atomic-1', [newEvent(), broken, newEvent()], { expectedRevision: 'no_stream' })).rejects.toThrow(/NOT NULL/);
    expect(await collect(store.readStream('atomic-1'))).toEqual([]);
    expect(await store.headPosition()).toBe(0n);
    const next = await store.append('atomic-1', [newEvent()], { expectedRevision: 'no_stream' });
    expect(E.isRight(next) && next.right.position).toBe(1n);
    await store.close();
    dir.remove();
  });
});
