/**
 * The event store contract, written once and run against every adapter
 * (test/infrastructure/event-store/*.contract.test.ts). Streams get random names, so the suite also
 * runs against a shared, non-empty server.
 */
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  EventStore,
  NewEvent,
  RecordedEvent,
  SubscriptionMessage,
} from '../../domain/ports/event-store.js';
import { GENESIS_HASH, rehash } from '../../infrastructure/event-store/envelope.js';

export interface ContractTarget {
  readonly store: EventStore;
  readonly dispose: () => Promise<void>;
}

const actor = { id: 'clerk-1', role: 'municipal-clerk', organisation: '131016' } as const;

export function newEvent(type = 'TestEventHappened', data: Record<string, unknown> = {}): NewEvent {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data: { note: 'a'.repeat(20), ...data } as NewEvent['data'],
    metadata: { actor, correlationId: randomUUID(), causationId: randomUUID() },
  };
}

const events = (n: number, type?: string): NewEvent[] => Array.from({ length: n }, (_, i) => newEvent(type, { i }));
const streamName = (kind = 'contract'): string => `${kind}-${randomUUID().replaceAll('-', '')}`;

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export function describeEventStoreContract(name: string, connect: () => Promise<ContractTarget>): void {
  describe(`event store contract: ${name}`, () => {
    let target: ContractTarget;
    let store: EventStore;

    beforeAll(async () => {
      target = await connect();
      store = target.store;
    });
    afterAll(async () => {
      await target?.dispose();
    });

    const mustAppend = async (stream: string, batch: readonly NewEvent[], expectedRevision: Parameters<EventStore['append']>[2]['expectedRevision']) => {
      const result = await store.append(stream, batch, { expectedRevision });
      if (E.isLeft(result)) throw new Error(`unexpected conflict on ${stream}: ${JSON.stringify(String(result.left.actual))}`);
      return result.right;
    };

    describe('append and expected revisions', () => {
      it('creates a stream with no_stream, numbering revisions from 0 and returning bigint revision and position', async () => {
        const stream = streamName();
        const result = await mustAppend(stream, events(3), 'no_stream');
        expect(result.nextExpectedRevision).toBe(2n);
        expect(typeof result.position).toBe('bigint');
        const read = await collect(store.readStream(stream));
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        expect(read.every((e) => typeof e.position === 'bigint')).toBe(true);
        expect(read[2]?.position).toBe(result.position);
      });

      it('refuses no_stream on an existing stream with a typed conflict carrying the actual revision', async () => {
        const stream = streamName();
        await mustAppend(stream, events(2), 'no_stream');
        const result = await store.append(stream, events(1), { expectedRevision: 'no_stream' });
        expect(E.isLeft(result) && result.left).toEqual({ _tag: 'WrongExpectedRevision', stream, expected: 'no_stream', actual: 1n });
      });

      it('refuses a stale revision and accepts the current one', async () => {
        const stream = streamName();
        await mustAppend(stream, events(3), 'no_stream');
        const stale = await store.append(stream, events(1), { expectedRevision: 1n });
        expect(E.isLeft(stale) && stale.left.actual).toBe(2n);
        const current = await mustAppend(stream, events(1), 2n);
        expect(current.nextExpectedRevision).toBe(3n);
      });

      it('refuses stream_exists on a missing stream (actual: no_stream) and accepts it on an existing one', async () => {
        const stream = streamName();
        const missing = await store.append(stream, events(1), { expectedRevision: 'stream_exists' });
        expect(E.isLeft(missing) && missing.left.actual).toBe('no_stream');
        await mustAppend(stream, events(1), 'any');
        expect((await mustAppend(stream, events(1), 'stream_exists')).nextExpectedRevision).toBe(1n);
      });

      it('lets exactly one of two concurrent writers with the same expected revision win', async () => {
        const stream = streamName();
        await mustAppend(stream, events(1), 'no_stream');
        const results = await Promise.all([0, 1].map(() => store.append(stream, events(2), { expectedRevision: 0n })));
        expect(results.filter(E.isRight)).toHaveLength(1);
        const loser = results.find(E.isLeft);
        expect(loser && E.isLeft(loser) && loser.left.actual).toBe(2n);
        expect(await collect(store.readStream(stream))).toHaveLength(3);
      });

      it('takes the hash of the expected revision as read (expectedHash): chains to it, repeats idempotently, and a stale pair conflicts', async () => {
        const stream = streamName();
        await mustAppend(stream, events(2), 'no_stream');
        const [, tip] = await collect(store.readStream(stream));
        const hinted = events(2);
        const written = await store.append(stream, hinted, { expectedRevision: 1n, expectedHash: tip?.metadata.hash as string });
        expect(E.isRight(written) && written.right.nextExpectedRevision).toBe(3n);
        const read = await collect(store.readStream(stream));
        expect(read[2]?.metadata.prevHash).toBe(tip?.metadata.hash);
        const again = await store.append(stream, hinted, { expectedRevision: 1n, expectedHash: tip?.metadata.hash as string });
        expect(E.isRight(again) && again.right.position).toBe(E.isRight(written) && written.right.position);
        const stale = await store.append(stream, events(1), { expectedRevision: 1n, expectedHash: tip?.metadata.hash as string });
        expect(E.isLeft(stale) && stale.left.actual).toBe(3n);
        expect(await collect(store.readStream(stream))).toHaveLength(4);
      });

      it('appends a batch all together: concurrent batches never interleave', async () => {
        const stream = streamName();
        const batches = Array.from({ length: 6 }, (_, b) => events(5, `Batch${b}`));
        await Promise.all(batches.map((batch) => mustAppend(stream, batch, 'any')));
        const types = (await collect(store.readStream(stream))).map((e) => e.type);
        expect(types).toHaveLength(30);
        for (let i = 0; i < 30; i += 5) expect(new Set(types.slice(i, i + 5)).size).toBe(1);
      });

      it('writes nothing when a batch cannot be sealed (all or none)', async () => {
        const stream = streamName();
        const bad = { ...newEvent(), data: { value: Number.NaN } };
        await expect(store.append(stream, [newEvent(), newEvent(), bad], { expectedRevision: 'no_stream' })).rejects.toThrow();
        expect(await collect(store.readStream(stream))).toEqual([]);
      });
    });

    describe('idempotent re-append', () => {
      it('succeeds and writes nothing when the same ids are appended again at the same place', async () => {
        const stream = streamName();
        const batch = events(3);
        const first = await mustAppend(stream, batch, 'no_stream');
        const again = await mustAppend(stream, batch, 'no_stream');
        expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
        const more = events(2);
        await mustAppend(stream, more, 2n);
        await mustAppend(stream, more, 2n);
        await mustAppend(stream, more, 'any');
        const read = await collect(store.readStream(stream));
        expect(read.map((e) => e.id)).toEqual([...batch, ...more].map((e) => e.id));
      });

      it('refuses, as a conflict, ids aimed at a place that holds other events', async () => {
        const stream = streamName();
        const batch = events(2);
        await mustAppend(stream, batch, 'no_stream');
        await mustAppend(stream, events(2), 1n);
        const result = await store.append(stream, batch, { expectedRevision: 1n });
        expect(E.isLeft(result) && result.left.actual).toBe(3n);
        expect(await collect(store.readStream(stream))).toHaveLength(4);
      });
    });

    describe('reading', () => {
      it('reads a stream forwards and backwards, inclusive of fromRevision, with maxCount', async () => {
        const stream = streamName();
        await mustAppend(stream, events(5), 'no_stream');
        const revisions = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await collect(store.readStream(stream, options))).map((e) => e.revision);
        expect(await revisions({ fromRevision: 2n })).toEqual([2n, 3n, 4n]);
        expect(await revisions({ fromRevision: 2n, maxCount: 2 })).toEqual([2n, 3n]);
        expect(await revisions({ direction: 'backwards' })).toEqual([4n, 3n, 2n, 1n, 0n]);
        expect(await revisions({ direction: 'backwards', fromRevision: 'end', maxCount: 1 })).toEqual([4n]);
        expect(await revisions({ direction: 'backwards', fromRevision: 1n })).toEqual([1n, 0n]);
      });

      it('yields nothing for a stream that does not exist', async () => {
        expect(await collect(store.readStream(streamName()))).toEqual([]);
      });

      it('reads the global log in order, inclusive of fromPosition, forwards and backwards', async () => {
        const a = streamName();
        const b = streamName();
        await mustAppend(a, events(2), 'no_stream');
        await mustAppend(b, events(2), 'no_stream');
        await mustAppend(a, events(1), 1n);
        const ours = new Set([a, b]);
        const firstOfA = (await collect(store.readStream(a)))[0] as RecordedEvent;
        const forwards = (await collect(store.readAll({ fromPosition: firstOfA.position }))).filter((e) => ours.has(e.stream));
        expect(forwards.map((e) => `${e.stream === a ? 'a' : 'b'}${e.revision}`)).toEqual(['a0', 'a1', 'b0', 'b1', 'a2']);
        const positions = forwards.map((e) => e.position);
        expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
        expect(new Set(positions).size).toBe(positions.length);

        const exactly = await collect(store.readAll({ fromPosition: firstOfA.position, maxCount: 1 }));
        expect(exactly.map((e) => e.id)).toEqual([firstOfA.id]);

        const last = forwards[forwards.length - 1] as RecordedEvent;
        const backwards = (await collect(store.readAll({ fromPosition: last.position, direction: 'backwards' })))
          .filter((e) => ours.has(e.stream))
          .map((e) => e.id);
        expect(backwards).toEqual(forwards.map((e) => e.id).reverse());
      });

      it('reports the head position as that of the last ledger event', async () => {
        const stream = streamName();
        const { position } = await mustAppend(stream, events(2), 'no_stream');
        expect(await store.headPosition()).toBe(position);
      });

      it('returns only ledger events from readAll (no system or link events)', async () => {
        const stream = streamName();
        await mustAppend(stream, events(1), 'no_stream');
        const all = await collect(store.readAll());
        expect(all.length).toBeGreaterThan(0);
        expect(all.filter((e) => e.type.startsWith('$') || e.stream.startsWith('$'))).toEqual([]);
      });
    });

    describe('the envelope', () => {
      it('stores the metadata with recordedAt, schemaVersion and a hash chain that recomputes', async () => {
        const stream = streamName();
        const batch = events(2);
        await mustAppend(stream, batch, 'no_stream');
        await mustAppend(stream, events(1), 1n);
        const read = await collect(store.readStream(stream));
        const [first, second, third] = read as [RecordedEvent, RecordedEvent, RecordedEvent];
        expect(first.metadata).toMatchObject({
          actor,
          correlationId: batch[0]?.metadata.correlationId,
          causationId: batch[0]?.metadata.causationId,
          schemaVersion: 1,
          prevHash: GENESIS_HASH,
        });
        expect(Number.isNaN(Date.parse(first.metadata.recordedAt))).toBe(false);
        expect(second.metadata.prevHash).toBe(first.metadata.hash);
        expect(third.metadata.prevHash).toBe(second.metadata.hash);
        for (const event of read) expect(rehash(event)).toBe(event.metadata.hash);
        expect(first.data).toEqual(batch[0]?.data);
      });

      it('keeps the idempotency key when the command had one', async () => {
        const stream = streamName();
        const event = newEvent();
        await mustAppend(stream, [{ ...event, metadata: { ...event.metadata, idempotencyKey: 'key-1' } }], 'no_stream');
        const [read] = await collect(store.readStream(stream));
        expect(read?.metadata.idempotencyKey).toBe('key-1');
      });
    });

    describe('appendEach', () => {
      it('appends each request as append would, in order, with one result each', async () => {
        const [a, b] = [streamName(), streamName()];
        const results = await store.appendEach([
          { stream: a, events: events(2), expectedRevision: 'no_stream' },
          { stream: b, events: events(1), expectedRevision: 'no_stream' },
          // The same stream again, after the first request: it sees that request's events.
          { stream: a, events: events(1), expectedRevision: 1n },
        ]);
        const rights = results.map((r) => (E.isRight(r) ? r.right : undefined));
        expect(rights.map((r) => r?.nextExpectedRevision)).toEqual([1n, 0n, 2n]);
        expect(rights[0]!.position < rights[1]!.position && rights[1]!.position < rights[2]!.position).toBe(true);
        expect((await collect(store.readStream(a))).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        expect(await collect(store.readStream(b))).toHaveLength(1);
        expect(await store.appendEach([])).toEqual([]);
      });

      it('a request that conflicts writes nothing of its own and leaves the others written', async () => {
        const [a, taken, c] = [streamName(), streamName(), streamName()];
        await mustAppend(taken, events(2), 'no_stream');
        const results = await store.appendEach([
          { stream: a, events: events(1), expectedRevision: 'no_stream' },
          { stream: taken, events: events(3), expectedRevision: 'no_stream' },
          { stream: c, events: events(1), expectedRevision: 5n },
        ]);
        expect(E.isRight(results[0]!)).toBe(true);
        expect(E.isLeft(results[1]!) && results[1].left).toEqual({ _tag: 'WrongExpectedRevision', stream: taken, expected: 'no_stream', actual: 1n });
        expect(E.isLeft(results[2]!) && results[2].left.actual).toBe('no_stream');
        expect(await collect(store.readStream(a))).toHaveLength(1);
        expect(await collect(store.readStream(taken))).toHaveLength(2);
        expect(await collect(store.readStream(c))).toEqual([]);
      });

      it('is idempotent like append: the same ids at the same place again write nothing', async () => {
        const stream = streamName();
        const batch = events(2);
        const [first] = await store.appendEach([{ stream, events: batch, expectedRevision: 'no_stream' }]);
        const [again] = await store.appendEach([{ stream, events: batch, expectedRevision: 'no_stream' }]);
        expect(E.isRight(again!) && again.right).toEqual(E.isRight(first!) && first.right);
        expect(await collect(store.readStream(stream))).toHaveLength(2);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up, says so, then delivers live events; resumes exclusively from a checkpoint', async () => {
        const stream = streamName();
        const start = await store.headPosition();
        const before = await mustAppend(stream, events(3), 'no_stream');
        const subscription = store.subscribeToAll({ fromPosition: start === 0n ? 'start' : start });
        const seen: SubscriptionMessage[] = [];
        const iterator = subscription[Symbol.asyncIterator]();
        const next = async () => {
          const r = await iterator.next();
          if (r.done) throw new Error('subscription ended');
          return r.value;
        };
        let message = await next();
        while (message.kind !== 'caught-up') {
          seen.push(message);
          message = await next();
        }
        const ours = (list: SubscriptionMessage[]) =>
          list.flatMap((m) => (m.kind === 'event' && m.event.stream === stream ? [m.event.revision] : []));
        expect(ours(seen)).toEqual([0n, 1n, 2n]);

        await mustAppend(stream, events(2), before.nextExpectedRevision);
        const live: SubscriptionMessage[] = [];
        while (ours(live).length < 2) live.push(await next());
        expect(ours(live)).toEqual([3n, 4n]);
        await subscription.close();

        const resumed = store.subscribeToAll({ fromPosition: before.position });
        const afterCheckpoint: bigint[] = [];
        for await (const m of resumed) {
          if (m.kind === 'caught-up') break;
          if (m.event.stream === stream) afterCheckpoint.push(m.event.revision);
        }
        await resumed.close();
        expect(afterCheckpoint).toEqual([3n, 4n]);
      });

      it('has no gap and no duplicate while writers append during the catch-up', async () => {
        const prefix = streamName('concurrent');
        const writers = 4;
        const perWriter = 40;
        const start = await store.headPosition();
        await Promise.all(Array.from({ length: writers }, (_, w) => mustAppend(`${prefix}_${w}`, events(5), 'no_stream')));

        const subscription = store.subscribeToAll({ fromPosition: start === 0n ? 'start' : start });
        const writing = Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < perWriter; i++) {
              await mustAppend(`${prefix}_${w}`, events(1 + (i % 3)), 'any');
              if (i % 5 === 0) await new Promise((r) => setTimeout(r, 1));
            }
          }),
        );
        const expectedPerWriter = 5 + Array.from({ length: perWriter }, (_, i) => 1 + (i % 3)).reduce((a, b) => a + b, 0);
        const received: RecordedEvent[] = [];
        const positions: bigint[] = [];
        for await (const m of subscription) {
          if (m.kind !== 'event') continue;
          positions.push(m.event.position);
          if (m.event.stream.startsWith(prefix)) received.push(m.event);
          if (received.length >= writers * expectedPerWriter) break;
        }
        await writing;
        await subscription.close();

        for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true);
        const ids = received.map((e) => e.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (let w = 0; w < writers; w++) {
          const inLog = (await collect(store.readStream(`${prefix}_${w}`))).map((e) => e.id);
          expect(received.filter((e) => e.stream === `${prefix}_${w}`).map((e) => e.id)).toEqual(inLog);
        }
      });
    });
  });
}
