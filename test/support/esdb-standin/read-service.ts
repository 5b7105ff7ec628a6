/**
 * Streams.Read: stream reads, $all reads and $all subscriptions, with the semantics real nodes have:
 * - a stream read is inclusive of its revision in both directions; a missing stream answers
 *   stream-not-found;
 * - a $all read is inclusive of its position forwards and exclusive backwards (the server takes a
 *   backwards position as the end of the previous record); a subscription is exclusive of it;
 * - a $all position must be where a record starts (or the end of the log), else the call fails;
 * - a subscription confirms, catches up, sends caught-up once, then goes live.
 * Stream subscriptions and resolving links are not imitated.
 */
import { randomUUID } from 'node:crypto';
import { status, type handleServerStreamingCall, type ServerWritableStream } from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import { eventFilter } from './event-filter.js';
import type { LogRecord, TransactionLog } from './transaction-log.js';
import { caughtUpMessage, confirmationMessage, eventMessage, failCall, send, StatusError, streamName, streamNotFoundMessage } from './wire.js';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

const BACKWARDS = 1;

export function readHandler(log: TransactionLog): handleServerStreamingCall<ReadReq, ReadResp> {
  return (call) => {
    respond(log, call).then(
      () => {
        if (!call.cancelled) call.end();
      },
      (error: unknown) => failCall(call, error),
    );
  };
}

async function respond(log: TransactionLog, call: ReadCall): Promise<void> {
  const options = call.request.getOptions();
  if (options === undefined) throw new StatusError(status.INVALID_ARGUMENT, 'read options missing');
  if (options.hasSubscription()) {
    if (!options.hasAll()) throw new StatusError(status.UNIMPLEMENTED, 'the stand-in imitates $all subscriptions only');
    return subscribeToAll(log, call, options);
  }
  return options.hasStream() ? readStream(log, call, options) : readAll(log, call, options);
}

async function readStream(log: TransactionLog, call: ReadCall, options: ReadReq.Options): Promise<void> {
  const from = options.getStream() as ReadReq.Options.StreamOptions;
  const name = streamName(from.getStreamIdentifier());
  const records = log.stream(name);
  if (records === undefined) return send(call, streamNotFoundMessage(name));
  const backwards = options.getReadDirection() === BACKWARDS;
  const end = backwards ? records.length - 1 : records.length;
  const revision = from.hasRevision() ? Number(from.getRevision()) : from.hasEnd() ? end : 0;
  const selected = backwards ? records.slice(0, revision + 1).reverse() : records.slice(revision);
  for (const record of selected.slice(0, Number(options.getCount()))) await send(call, eventMessage(record));
}

async function readAll(log: TransactionLog, call: ReadCall, options: ReadReq.Options): Promise<void> {
  const all = options.getAll() as ReadReq.Options.AllOptions;
  const backwards = options.getReadDirection() === BACKWARDS;
  const matches = eventFilter(options);
  const records = log.records;
  let count = Number(options.getCount());
  // Forwards: from the first record at or after the position; backwards: from the last one before it.
  let index = firstIndexAtOrAfter(log, all);
  if (backwards) index -= 1;
  while (count > 0 && index >= 0 && index < records.length && !call.cancelled) {
    const record = records[index] as LogRecord;
    index += backwards ? -1 : 1;
    if (!matches(record)) continue;
    await send(call, eventMessage(record));
    count -= 1;
  }
}

async function subscribeToAll(log: TransactionLog, call: ReadCall, options: ReadReq.Options): Promise<void> {
  const all = options.getAll() as ReadReq.Options.AllOptions;
  const matches = eventFilter(options);
  const records = log.records;
  let next = firstIndexAtOrAfter(log, all);
  const from = all.hasPosition() ? requestedPosition(log, all) : undefined;
  if (from !== undefined && from.commit === from.prepare && records[next]?.position === from.commit) next += 1;
  await send(call, confirmationMessage(randomUUID()));
  let caughtUp = false;
  while (!call.cancelled) {
    while (next < records.length && !call.cancelled) {
      const record = records[next] as LogRecord;
      next += 1;
      if (matches(record)) await send(call, eventMessage(record));
    }
    if (!caughtUp) {
      caughtUp = true;
      await send(call, caughtUpMessage());
    }
    await appendedOrCancelled(log, call);
  }
}

/** Records compare to a position (commit, prepare) as (their position, their position). */
function firstIndexAtOrAfter(log: TransactionLog, all: ReadReq.Options.AllOptions): number {
  if (all.hasStart()) return 0;
  if (all.hasEnd()) return log.records.length;
  const { commit, prepare } = requestedPosition(log, all);
  return log.indexFrom(commit, prepare);
}

function requestedPosition(log: TransactionLog, all: ReadReq.Options.AllOptions): { commit: bigint; prepare: bigint } {
  const position = all.getPosition();
  if (position === undefined) throw new StatusError(status.INVALID_ARGUMENT, '$all read without a position');
  const commit = BigInt(position.getCommitPosition());
  if (!log.isRecordBoundary(commit)) throw new StatusError(status.INVALID_ARGUMENT, `invalid position: no record starts at ${commit}`);
  return { commit, prepare: BigInt(position.getPreparePosition()) };
}

function appendedOrCancelled(log: TransactionLog, call: ReadCall): Promise<void> {
  if (call.cancelled) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stopListening();
      call.off('cancelled', done);
      resolve();
    };
    const stopListening = log.onAppend(done);
    call.on('cancelled', done);
  });
}
