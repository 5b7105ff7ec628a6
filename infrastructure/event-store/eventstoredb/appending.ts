/**
 * Appending with the hash chain. Sealing needs the previous event's hash and the exact revision, so
 * an append reads the stream's tip, seals against it, and writes with exactly that expected revision
 * (or no_stream): a concurrent writer makes EventStoreDB refuse, and nothing half-chained is stored.
 *
 * Idempotency is decided here, from what the stream holds, not by EventStoreDB: the server only
 * recognises re-appended ids through a bounded cache (for `any`) or at the exact revisions it is
 * told, and it appends ids it has seen before when the expected revision matches the stream.
 */
import { NO_STREAM, WrongExpectedVersionError, type EventStoreDBClient } from '@eventstore/db-client';
import type { AppendResult, ExpectedRevision, NewEvent, StreamRevision } from '../../../domain/ports/event-store.js';
import type { SealedEvent } from '../envelope.js';
import { toEventData } from './event-mapping.js';
import { toLedgerPosition } from './positions.js';
import { readStreamEvents } from './reading.js';

export type Actual = StreamRevision | 'no_stream';

type WriteOutcome =
  | { readonly kind: 'written'; readonly result: AppendResult }
  | { readonly kind: 'wrong-expected-revision'; readonly actual: Actual };

/** One atomic append of a sealed batch at exactly the place it was sealed for. */
export async function writeSealed(
  client: EventStoreDBClient,
  stream: string,
  sealed: readonly SealedEvent[],
  sealedAfter: Actual,
): Promise<WriteOutcome> {
  try {
    const result = await client.appendToStream(stream, sealed.map(toEventData), {
      expectedRevision: sealedAfter === 'no_stream' ? NO_STREAM : sealedAfter,
    });
    const position = toLedgerPosition(result.position, `the append to ${stream}`);
    return { kind: 'written', result: { nextExpectedRevision: result.nextExpectedRevision, position } };
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) return { kind: 'wrong-expected-revision', actual: error.actualVersion };
    throw error;
  }
}

/**
 * When the batch's ids already stand, in order, where the caller aims it (right after the expected
 * revision; for `any` and `stream_exists`, at the end of the stream), the append already happened:
 * the result of that append. Otherwise undefined, and the caller's expectation decides.
 */
export async function alreadyAppended(
  client: EventStoreDBClient,
  stream: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
  actual: Actual,
): Promise<AppendResult | undefined> {
  if (events.length === 0 || actual === 'no_stream') return undefined;
  const count = BigInt(events.length);
  const first = expected === 'any' || expected === 'stream_exists' ? actual - count + 1n : expected === 'no_stream' ? 0n : expected + 1n;
  if (first < 0n || first + count - 1n > actual) return undefined;
  const stored: string[] = [];
  let last: AppendResult | undefined;
  for await (const event of readStreamEvents(client, stream, { fromRevision: first, maxCount: events.length })) {
    stored.push(event.id);
    last = { nextExpectedRevision: event.revision, position: event.position };
  }
  const same = stored.length === events.length && stored.every((id, i) => sameId(id, events[i]?.id));
  return same ? last : undefined;
}

function sameId(stored: string, appended: string | undefined): boolean {
  return appended !== undefined && stored.toLowerCase() === appended.toLowerCase();
}
