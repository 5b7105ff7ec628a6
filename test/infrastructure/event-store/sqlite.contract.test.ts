import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { systemClock } from '../../support/clocks.js';
import { collect, describeEventStoreContract, newEvent } from '../../support/event-store-contract.js';
import type { RecordedEvent } from '../../../domain/ports/event-store.js';
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

describe('sqlite adapter: appendEach is one transaction', () => {
  it('an error in any request writes none of them, and a live subscriber then sees the next ones in order', async () => {
    const dir = tempDir();
    const store = new SqliteEventStore({ file: join(dir.path, 'events.sqlite'), clock: systemClock, synchronous: 'NORMAL' });
    const subscription = store.subscribeToAll({ fromPosition: 'start' });
    const broken = { ...newEvent(), type: null as unknown as string };
    await expect(
      store.appendEach([
        { stream: 'each-1', events: [newEvent()], expectedRevision: 'no_stream' },
        { stream: 'each-2', events: [newEvent(), broken], expectedRevision: 'no_stream' },
      ]),
    ).rejects.toThrow(/NOT NULL/);
    expect(await store.headPosition()).toBe(0n);
    expect(await collect(store.readStream('each-1'))).toEqual([]);
    await store.appendEach([
      { stream: 'each-1', events: [newEvent(), newEvent()], expectedRevision: 'no_stream' },
      { stream: 'each-2', events: [newEvent()], expectedRevision: 'no_stream' },
    ]);
    const seen: string[] = [];
    for await (const message of subscription) {
      if (message.kind !== 'event') continue;
      seen.push(`${message.event.position}:${message.event.stream}/${message.event.revision}`);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['1:each-1/0', '2:each-1/1', '3:each-2/0']);
    await subscription.close();
    await store.close();
    dir.remove();
  });
});

describe('sqlite adapter: live subscribers take this process’s appends from memory, and still see other connections’', () => {
  it('delivers local and foreign appends, interleaved, once each and in order, exactly as the file holds them', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'events.sqlite');
    const local = new SqliteEventStore({ file, clock: systemClock, synchronous: 'NORMAL', pollIntervalMs: 20 });
    // Another connection on the same file, as the `ledger` CLI would be.
    const foreign = new SqliteEventStore({ file, clock: systemClock, synchronous: 'NORMAL' });
    const subscription = local.subscribeToAll({ fromPosition: 'start' });
    const iterator = subscription[Symbol.asyncIterator]();
    const delivered: RecordedEvent[] = [];
    const until = async (count: number) => {
      while (delivered.length < count) {
        const next = await iterator.next();
        if (next.done) throw new Error('subscription ended');
        if (next.value.kind === 'event') delivered.push(next.value.event);
      }
    };
    const rounds = [
      { by: local, count: 2 },
      { by: foreign, count: 2 }, // right after the local tail: nothing local follows to reveal it
      { by: local, count: 3 },
      { by: local, count: 1 },
      { by: foreign, count: 1 },
      { by: foreign, count: 2 },
      { by: local, count: 2 },
    ];
    let total = 0;
    for (const [i, round] of rounds.entries()) {
      await round.by.append(`interleaved-${i}`, Array.from({ length: round.count }, () => newEvent()), { expectedRevision: 'no_stream' });
      total += round.count;
      await until(total);
    }
    expect(delivered.map((e) => e.position)).toEqual(Array.from({ length: total }, (_, i) => BigInt(i + 1)));
    const inFile = await collect(foreign.readAll());
    expect(delivered.map((e) => [e.id, e.stream, e.revision, e.type, e.data, e.metadata])).toEqual(
      inFile.map((e) => [e.id, e.stream, e.revision, e.type, e.data, e.metadata]),
    );
    await subscription.close();
    await foreign.close();
    await local.close();
    dir.remove();
  });

  it('a subscriber far behind the live tail reads the file up to it, then goes on without a gap', async () => {
    const dir = tempDir();
    const store = new SqliteEventStore({ file: join(dir.path, 'events.sqlite'), clock: systemClock, synchronous: 'NORMAL' });
    const ahead = store.subscribeToAll({ fromPosition: 'start' });
    // Far more than the memory holds, so the tail starts well after the first position.
    for (let i = 0; i < 50; i++) await store.append(`behind-${i}`, Array.from({ length: 100 }, () => newEvent()), { expectedRevision: 'no_stream' });
    const behind = store.subscribeToAll({ fromPosition: 'start' });
    const positions: bigint[] = [];
    for await (const message of behind) {
      if (message.kind === 'caught-up') break;
      positions.push(message.event.position);
    }
    expect(positions).toEqual(Array.from({ length: 5000 }, (_, i) => BigInt(i + 1)));
    await behind.close();
    await ahead.close();
    await store.close();
    dir.remove();
  });
});

describe('sqlite adapter: reads made together share one view of the file', () => {
  it('inside readTogether reads see the file as at the first of them; a write, the head and the end of the scope see it as it is', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'events.sqlite');
    const local = new SqliteEventStore({ file, clock: systemClock, synchronous: 'NORMAL' });
    const foreign = new SqliteEventStore({ file, clock: systemClock, synchronous: 'NORMAL' });
    await local.append('together-1', [newEvent()], { expectedRevision: 'no_stream' });
    const revisions = async () => (await collect(local.readStream('together-1'))).map((e) => e.revision);

    await local.readTogether(async () => {
      expect(await revisions()).toEqual([0n]);
      await foreign.append('together-1', [newEvent()], { expectedRevision: 0n });
      // The shared view still stands: the foreign event is not seen yet.
      expect(await revisions()).toEqual([0n]);
      // A write decides on the file as it is: the stale expectation conflicts, nothing is lost.
      const stale = await local.append('together-1', [newEvent()], { expectedRevision: 0n });
      expect(E.isLeft(stale)).toBe(true);
      // The write ended the shared view; the next reads begin a new one.
      expect(await revisions()).toEqual([0n, 1n]);
      await foreign.append('together-1', [newEvent()], { expectedRevision: 1n });
      expect(await local.headPosition()).toBe(3n);
    });
    expect(await revisions()).toEqual([0n, 1n, 2n]);

    // A scope whose work fails ends its view too.
    await expect(
      local.readTogether(async () => {
        await revisions();
        throw new Error('step failed');
      }),
    ).rejects.toThrow('step failed');
    await foreign.append('together-1', [newEvent()], { expectedRevision: 2n });
    expect(await revisions()).toEqual([0n, 1n, 2n, 3n]);

    await foreign.close();
    await local.close();
    dir.remove();
  });
});
