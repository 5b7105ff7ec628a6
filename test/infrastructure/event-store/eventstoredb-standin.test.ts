/**
 * What the gRPC stand-in imitates of a real node, seen through the raw client, and how the adapter
 * copes with it. The contract itself runs in eventstoredb-standin.contract.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import {
  BACKWARDS,
  EventStoreDBClient,
  FORWARDS,
  WrongExpectedVersionError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent, SubscriptionMessage } from '../../../domain/ports/event-store.js';
import { canonicalJson, rehash } from '../../../infrastructure/event-store/envelope.js';
import { EventStoreDbEventStore } from '../../../infrastructure/event-store/eventstoredb/eventstoredb-event-store.js';
import { systemClock } from '../../support/clocks.js';
import { start, type RunningStandIn } from '../../support/esdb-standin/standin.js';
import { collect, newEvent } from '../../support/event-store-contract.js';

const streamName = (category = 'standin'): string => `${category}-${randomUUID().replaceAll('-', '')}`;

/** A stand-in with the adapter and a raw client connected; the raw client only reads from it. */
describe('EventStoreDB stand-in, through the adapter', () => {
  let standIn: RunningStandIn;
  let store: EventStoreDbEventStore;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    standIn = await start();
    store = await EventStoreDbEventStore.connect({ url: standIn.url, clock: systemClock });
    client = EventStoreDBClient.connectionString(standIn.url);
  });
  afterAll(async () => {
    await store?.close();
    await client?.dispose();
    await standIn?.stop();
  });

  const mustAppend = async (stream: string, events: Parameters<EventStoreDbEventStore['append']>[1], expectedRevision: bigint | 'no_stream' | 'any') => {
    const result = await store.append(stream, events, { expectedRevision });
    if (E.isLeft(result)) throw new Error(`conflict on ${stream}`);
    return result.right;
  };
  const rawAll = async (options: Parameters<EventStoreDBClient['readAll']>[0]) =>
    (await collect(client.readAll(options) as AsyncIterable<AllStreamResolvedEvent>)).flatMap((resolved) => (resolved.event ? [resolved.event] : []));

  it('hands out sparse positions that grow with the size of what is stored', async () => {
    const stream = streamName();
    await mustAppend(stream, [newEvent(), newEvent(), newEvent('Large', { blob: 'x'.repeat(10_000) }), newEvent()], 'no_stream');
    const positions = (await collect(store.readStream(stream))).map((event) => event.position);
    const gaps = positions.slice(1).map((position, i) => position - (positions[i] as bigint));
    expect(gaps.every((gap) => gap > 100n)).toBe(true);
    expect(gaps[2]).toBeGreaterThan(10_000n);
  });

  it('puts system and link events into $all, which the raw client reads and the adapter skips', async () => {
    const stream = streamName('linked');
    const { position } = await mustAppend(stream, [newEvent('SomethingLinked')], 'no_stream');
    await nextTurn(); // the imitated projections write in a later turn, as real ones lag behind

    const raw = await rawAll({ fromPosition: { commit: position, prepare: position }, direction: FORWARDS });
    const links = raw.filter((event) => event.type === '$>').map((event) => [event.streamId, Buffer.from(event.data as Uint8Array).toString()]);
    expect(links).toEqual(expect.arrayContaining([[`$ce-linked`, `0@${stream}`], [`$et-SomethingLinked`, `0@${stream}`]]));
    expect((await rawAll({ direction: FORWARDS })).some((event) => event.type === '$statsCollected')).toBe(true);

    const ledger = await collect(store.readAll({ fromPosition: position }));
    expect(ledger.map((event) => event.stream)).toEqual([stream]);
    const subscription = store.subscribeToAll({ fromPosition: 'start' });
    const delivered: string[] = [];
    for await (const message of subscription) {
      if (message.kind === 'caught-up') break;
      delivered.push(message.event.type);
    }
    expect(delivered).toContain('SomethingLinked');
    expect(delivered.filter((type) => type.startsWith('$'))).toEqual([]);
  });

  it('stores JSON data and canonical metadata whose hash recomputes, integer-like keys included', async () => {
    const stream = streamName();
    const event = newEvent('Keyed', { '10': 'ten', '2': 'two', byMunicipality: { '131016': 1, '011002': 2 } });
    await mustAppend(stream, [event], 'no_stream');
    const stored = standIn.log.stream(stream)?.[0];
    const [read] = (await collect(store.readStream(stream))) as [RecordedEvent];

    expect(JSON.parse(new TextDecoder().decode(stored?.data))).toEqual(event.data);
    expect(new TextDecoder().decode(stored?.metadata)).toBe(canonicalJson(read.metadata));
    expect(stored?.isJson).toBe(true);
    expect(read.data).toEqual(event.data);
    expect(rehash(read)).toBe(read.metadata.hash);
  });

  it('refuses a $all position where no record starts, and reads backwards exclusively: the adapter never computes positions', async () => {
    const stream = streamName();
    await mustAppend(stream, [newEvent(), newEvent()], 'no_stream');
    const [, second] = (await collect(store.readStream(stream))) as [RecordedEvent, RecordedEvent];
    const at = { commit: second.position, prepare: second.position };
    const past = { commit: second.position + 1n, prepare: second.position + 1n };

    await expect(rawAll({ fromPosition: past, direction: FORWARDS })).rejects.toThrow(/invalid position/);
    expect((await rawAll({ fromPosition: at, direction: BACKWARDS, maxCount: 1 }))[0]?.id).not.toBe(second.id);
    const [first] = await collect(store.readAll({ fromPosition: second.position, direction: 'backwards', maxCount: 1 }));
    expect(first?.id).toBe(second.id);
  });

  it('delivers a long catch-up to a slow consumer without loss, says caught-up after it, then goes live', async () => {
    const stream = streamName();
    const from = await store.headPosition();
    const appended: string[] = [];
    // More than the adapter queues before it pauses the client (256), fewer than that plus what the
    // client then buffers (16), and a consumer that starts late and reads slowly: caught-up then
    // usually arrives while events sent before it still wait in the client.
    for (let batch = 0; batch < 13; batch++) {
      const events = Array.from({ length: 20 }, () => newEvent());
      await mustAppend(stream, events, batch === 0 ? 'no_stream' : BigInt(batch * 20 - 1));
      appended.push(...events.map((event) => event.id));
    }
    const subscription = store.subscribeToAll({ fromPosition: from });
    const iterator = subscription[Symbol.asyncIterator]();
    await delay(300);
    const next = async (): Promise<SubscriptionMessage> => {
      const result = await iterator.next();
      if (result.done) throw new Error('subscription ended');
      await nextTurn();
      return result.value;
    };
    const caughtUp: string[] = [];
    for (let message = await next(); message.kind !== 'caught-up'; message = await next()) {
      if (message.event.stream === stream) caughtUp.push(message.event.id);
    }
    expect(caughtUp).toEqual(appended);

    const live = newEvent();
    await mustAppend(stream, [live], 259n);
    let message = await next();
    while (message.kind !== 'event' || message.event.stream !== stream) message = await next();
    expect(message.event.id).toBe(live.id);
    await subscription.close();
  });
});

/** A stand-in of its own: events the raw client writes are not ledger events, and the adapter refuses to read those. */
describe('EventStoreDB stand-in, through the raw client', () => {
  let standIn: RunningStandIn;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    standIn = await start();
    client = EventStoreDBClient.connectionString(standIn.url);
  });
  afterAll(async () => {
    await client?.dispose();
    await standIn?.stop();
  });

  it('treats re-sent ids as a node does: idempotent where they stand, appended again at the current revision', async () => {
    const stream = streamName();
    const events = [jsonEvent({ type: 'Once', data: {} }), jsonEvent({ type: 'Twice', data: {} })];
    await client.appendToStream(stream, events, { expectedRevision: 'no_stream' });
    await client.appendToStream(stream, events, { expectedRevision: 'any' });
    await client.appendToStream(stream, events, { expectedRevision: 'no_stream' });
    expect(await collect(client.readStream(stream))).toHaveLength(2);

    await client.appendToStream(stream, events, { expectedRevision: 1n });
    const ids = (await collect(client.readStream(stream) as AsyncIterable<ResolvedEvent>)).map((resolved) => resolved.event?.id);
    expect(ids).toEqual([events[0]?.id, events[1]?.id, events[0]?.id, events[1]?.id]);
  });

  it('answers a wrong expected revision with the current revision, or no_stream', async () => {
    const stream = streamName();
    await client.appendToStream(stream, jsonEvent({ type: 'First', data: {} }), { expectedRevision: 'no_stream' });
    const stale = client.appendToStream(stream, jsonEvent({ type: 'Second', data: {} }), { expectedRevision: 5n });
    await expect(stale).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(stale).rejects.toMatchObject({ expectedVersion: 5n, actualVersion: 0n });
    const missing = client.appendToStream(streamName(), jsonEvent({ type: 'First', data: {} }), { expectedRevision: 'stream_exists' });
    await expect(missing).rejects.toMatchObject({ expectedVersion: 'stream_exists', actualVersion: 'no_stream' });
  });
});

/**
 * Every cancelled call sends an RST_STREAM, and the stand-in's HTTP/2 server (nghttp2) allows 1000
 * at once then 33 a second before it closes the connection with INTERNAL_ERROR, failing every call
 * on it ("13 INTERNAL: Received RST_STREAM with code 2"). The adapter once cancelled every read of
 * a missing stream and most reads of the head: a long run of commands brought the connection down.
 */
describe('EventStoreDB stand-in, many short reads on one connection', () => {
  let standIn: RunningStandIn;
  let store: EventStoreDbEventStore;

  beforeAll(async () => {
    standIn = await start();
    store = await EventStoreDbEventStore.connect({ url: standIn.url, clock: systemClock });
  });
  afterAll(async () => {
    await store?.close();
    await standIn?.stop();
  });

  it('reads missing streams and the head many times over, and still appends and reads', async () => {
    const written = streamName();
    await store.append(written, [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
    // The projections' link events now trail the last ledger event, as on a node running them.
    await delay(20);
    const head = await store.headPosition();
    for (let i = 0; i < 1500; i += 1) {
      expect(await collect(store.readStream(streamName('missing')))).toEqual([]);
      expect(await store.headPosition()).toBe(head);
    }
    const result = await store.append(written, [newEvent()], { expectedRevision: 'any' });
    expect(E.isRight(result)).toBe(true);
    expect(await collect(store.readStream(written))).toHaveLength(3);
  }, 30_000);
});
