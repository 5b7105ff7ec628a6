/**
 * Reads through the client: one stream, or the ledger events of $all in pages of raw records.
 */
import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  StreamNotFoundError,
  type AllStreamResolvedEvent,
  type EventStoreDBClient,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import type { GlobalPosition, ReadAllOptions, ReadStreamOptions, RecordedEvent } from '../../../domain/ports/event-store.js';
import { isLedgerEvent, toRecordedEvent } from './event-mapping.js';
import { toReadPosition } from './positions.js';

/** Most raw $all records asked for per call; system records in between make a page yield fewer ledger events. */
const ALL_PAGE = 1000;

export async function* readStreamEvents(
  client: EventStoreDBClient,
  stream: string,
  options: ReadStreamOptions = {},
): AsyncGenerator<RecordedEvent> {
  const direction = options.direction === 'backwards' ? BACKWARDS : FORWARDS;
  const read = client.readStream(stream, {
    direction,
    fromRevision: options.fromRevision ?? (direction === BACKWARDS ? END : START),
    ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
  });
  try {
    for await (const resolved of drain<ResolvedEvent>(read)) {
      if (resolved.event !== undefined) yield toRecordedEvent(resolved.event);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return;
    throw error;
  }
}

/** The last event of a stream, if it has one. */
export async function readTip(client: EventStoreDBClient, stream: string): Promise<RecordedEvent | undefined> {
  return lastOf(readStreamEvents(client, stream, { direction: 'backwards', maxCount: 1 }));
}

/** The position of the last ledger event in $all, 0n when there is none. */
export async function readHeadPosition(client: EventStoreDBClient): Promise<GlobalPosition> {
  return (await lastOf(readLedgerEvents(client, { direction: 'backwards', maxCount: 1 })))?.position ?? 0n;
}

/** The ledger events of $all, in order, skipping system and link records; maxCount counts ledger events. */
export async function* readLedgerEvents(client: EventStoreDBClient, options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
  const backwards = options.direction === 'backwards';
  let remaining = options.maxCount ?? Number.MAX_SAFE_INTEGER;
  const from = options.fromPosition ?? (backwards ? 'end' : 'start');
  if (backwards && typeof from === 'bigint' && from !== 0n && remaining > 0) {
    // The server reads backwards from a position exclusively: fetch the event at it first.
    const at = await ledgerEventAt(client, from);
    if (at !== undefined) {
      yield at;
      remaining -= 1;
    }
  }
  let position: ReadPosition = toReadPosition(from);
  // Forwards pages restart at the last record read (inclusive), which must not be yielded twice.
  let alreadyRead: Position | undefined;
  // Pages start at what is wanted and double: a short read through a tail of system records takes a
  // few calls, not one per record, and a long read is not asked for all at once.
  let pageSize = Math.min(ALL_PAGE, remaining);
  while (remaining > 0) {
    const wanted = pageSize + (alreadyRead === undefined ? 0 : 1);
    let read = 0;
    let last: Position | undefined;
    const page = client.readAll({ fromPosition: position, direction: backwards ? BACKWARDS : FORWARDS, maxCount: wanted });
    for await (const resolved of drain<AllStreamResolvedEvent>(page)) {
      read += 1;
      // Done before the page is: read the rest of it, which the server sends anyway, rather than
      // cancel the call (see drain).
      if (remaining === 0) continue;
      const event = resolved.event;
      if (event === undefined) continue;
      last = event.position;
      if (alreadyRead !== undefined && samePosition(event.position, alreadyRead)) continue;
      if (!isLedgerEvent(event)) continue;
      yield toRecordedEvent(event);
      remaining -= 1;
    }
    if (remaining === 0 || read < wanted || last === undefined) return;
    position = last;
    alreadyRead = backwards ? undefined : last;
    pageSize = Math.min(ALL_PAGE, pageSize * 2);
  }
}

async function ledgerEventAt(client: EventStoreDBClient, position: GlobalPosition): Promise<RecordedEvent | undefined> {
  const read = client.readAll({ fromPosition: toReadPosition(position), direction: FORWARDS, maxCount: 1 });
  const event = (await lastOf(drain<AllStreamResolvedEvent>(read)))?.event;
  return event !== undefined && event.position.commit === position && isLedgerEvent(event) ? toRecordedEvent(event) : undefined;
}

/** Reads a short read to its end (rather than leaving it early, which would cancel the call). */
async function lastOf<T>(items: AsyncIterable<T>): Promise<T | undefined> {
  let last: T | undefined;
  for await (const item of items) last = item;
  return last;
}

function samePosition(a: Position, b: Position): boolean {
  return a.commit === b.commit && a.prepare === b.prepare;
}

/**
 * Iterates a client read. When the consumer stops early, cancels the gRPC call and lets the stream
 * flow to its end: the client's dispose() waits for every call it started to finish, and a call
 * whose last message arrived while nobody read it would otherwise never report its end.
 *
 * A call that failed (stream not found, an error status) is over: it is not cancelled. Each cancel
 * sends an RST_STREAM, and HTTP/2 servers limit how many a connection may send (nghttp2, whose
 * default is 1000 at once then 33 a second, then closes the connection with INTERNAL_ERROR, taking
 * every call on it down): cancels are kept to consumers that leave a read early.
 */
async function* drain<E>(read: StreamingRead<E>): AsyncGenerator<E> {
  let finished = false;
  try {
    for await (const item of read.iterator({ destroyOnReturn: false })) yield item as E;
    finished = true;
  } catch (error) {
    finished = true;
    throw error;
  } finally {
    if (!finished) {
      await read.cancel();
      read.resume();
    }
  }
}
