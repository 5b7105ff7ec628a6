/**
 * The EventStoreDB adapter (@eventstore/db-client over gRPC). Positions: positions.ts; appending
 * and idempotency: appending.ts; reads: reading.ts; subscriptions: subscription.ts.
 */
import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import type { Clock } from '../../../domain/ports/clock.js';
import type {
  AppendOptions,
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedRevision,
  GlobalPosition,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
  WrongExpectedRevision,
} from '../../../domain/ports/event-store.js';
import { GENESIS_HASH, sealEvents } from '../envelope.js';
import { expectationMet } from '../expected-revision.js';
import { alreadyAppended, writeSealed, type Actual } from './appending.js';
import { readHeadPosition, readLedgerEvents, readStreamEvents, readTip } from './reading.js';
import { subscribeToLedgerEvents } from './subscription.js';

export interface EventStoreDbConnectOptions {
  /** A connection string, e.g. esdb://localhost:2113?tls=false */
  readonly url: string;
  readonly clock: Clock;
}

/** How often an `any` or `stream_exists` append re-reads the tip after a concurrent writer got in first. */
const MAX_APPEND_ATTEMPTS = 20;

export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly subscriptions = new Set<Subscription>();

  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly clock: Clock,
  ) {}

  /** Connects and reads the end of $all once, so that a wrong URL or missing rights fail here. */
  static async connect(options: EventStoreDbConnectOptions): Promise<EventStoreDbEventStore> {
    const client = EventStoreDBClient.connectionString(options.url);
    try {
      for await (const _ of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
    } catch (error) {
      await client.dispose();
      throw new Error(`cannot read $all from EventStoreDB at ${options.url}: ${(error as Error).message}`, { cause: error });
    }
    return new EventStoreDbEventStore(client, options.clock);
  }

  async append(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<E.Either<WrongExpectedRevision, AppendResult>> {
    const expected = options.expectedRevision;
    const conflict = (actual: Actual): E.Either<WrongExpectedRevision, AppendResult> =>
      E.left({ _tag: 'WrongExpectedRevision', stream, expected, actual });
    // The caller read the tip it expects (a command appends on the stream it decided on): seal against
    // it and write at once; only a refusal sends us to the stream, to tell a repeat from a conflict.
    const known = knownTip(expected, options.expectedHash);
    if (known !== undefined && events.length > 0) {
      const sealed = sealEvents(stream, known.firstRevision, known.prevHash, events, this.clock.now().toISOString());
      const outcome = await writeSealed(this.client, stream, sealed, expected as Actual);
      if (outcome.kind === 'written') return E.right(outcome.result);
      const replayed = await alreadyAppended(this.client, stream, events, expected, outcome.actual);
      return replayed === undefined ? conflict(outcome.actual) : E.right(replayed);
    }
    for (let attempt = 1; ; attempt += 1) {
      const tip = await readTip(this.client, stream);
      const actual: Actual = tip?.revision ?? 'no_stream';
      const replayed = await alreadyAppended(this.client, stream, events, expected, actual);
      if (replayed !== undefined) return E.right(replayed);
      if (!expectationMet(expected, actual)) return conflict(actual);
      if (events.length === 0) return E.right({ nextExpectedRevision: tip?.revision ?? -1n, position: 0n });

      const firstRevision = tip === undefined ? 0n : tip.revision + 1n;
      const sealed = sealEvents(stream, firstRevision, tip?.metadata.hash ?? GENESIS_HASH, events, this.clock.now().toISOString());
      const outcome = await writeSealed(this.client, stream, sealed, actual);
      if (outcome.kind === 'written') return E.right(outcome.result);
      // Someone appended between our read of the tip and our write. Exact expectations fail; `any` and
      // `stream_exists` hold whatever the tip is, so they seal again against the new tip.
      const retry = (expected === 'any' || expected === 'stream_exists') && attempt < MAX_APPEND_ATTEMPTS;
      if (!retry) return conflict(outcome.actual);
    }
  }

  /** One after the other: EventStoreDB commits each append on its own. */
  async appendEach(requests: readonly AppendRequest[]): Promise<E.Either<WrongExpectedRevision, AppendResult>[]> {
    const results: E.Either<WrongExpectedRevision, AppendResult>[] = [];
    for (const { stream, events, ...options } of requests) results.push(await this.append(stream, events, options));
    return results;
  }

  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    return readStreamEvents(this.client, stream, options);
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return readLedgerEvents(this.client, options);
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    const subscription: Subscription = subscribeToLedgerEvents(this.client, options.fromPosition, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  headPosition(): Promise<GlobalPosition> {
    return readHeadPosition(this.client);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }
}

/** Where an exact expectation puts the next event, and the hash it chains to: known without reading the stream. */
function knownTip(expected: ExpectedRevision, expectedHash: string | undefined): { firstRevision: bigint; prevHash: string } | undefined {
  if (expected === 'no_stream') return { firstRevision: 0n, prevHash: GENESIS_HASH };
  if (typeof expected === 'bigint' && expectedHash !== undefined) return { firstRevision: expected + 1n, prevHash: expectedHash };
  return undefined;
}
