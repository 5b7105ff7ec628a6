/**
 * Protobuf messages of the stand-in, built with the classes generated in @eventstore/db-client
 * (CommonJS modules whose exports Node cannot list statically: hence the default imports).
 */
import { status, type ServerDuplexStream, type ServerWritableStream } from '@grpc/grpc-js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { LogRecord } from './transaction-log.js';

const { ReadResp: ReadRespMessage } = streamsPb;

export class StatusError extends Error {
  constructor(
    readonly code: status,
    readonly details: string,
  ) {
    super(details);
  }
}

export function streamName(identifier: StreamIdentifier | undefined): string {
  if (identifier === undefined) throw new StatusError(status.INVALID_ARGUMENT, 'stream identifier missing');
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

function streamIdentifier(name: string): StreamIdentifier {
  return new sharedPb.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

/** The server keeps Guids: ids compare and come back in lower case. */
export function uuidString(uuid: UUID | undefined): string {
  if (uuid === undefined || !uuid.hasString()) throw new StatusError(status.INVALID_ARGUMENT, 'the stand-in only takes UUIDs in string form, as the Node client sends them');
  return uuid.getString().toLowerCase();
}

function uuid(value: string): UUID {
  return new sharedPb.UUID().setString(value);
}

export function eventMessage(record: LogRecord): ReadResp {
  const recorded = new ReadRespMessage.ReadEvent.RecordedEvent()
    .setId(uuid(record.id))
    .setStreamIdentifier(streamIdentifier(record.stream))
    .setStreamRevision(record.revision.toString())
    .setCommitPosition(record.position.toString())
    .setPreparePosition(record.position.toString())
    .setData(record.data)
    .setCustomMetadata(record.metadata);
  recorded
    .getMetadataMap()
    .set('type', record.type)
    .set('content-type', record.isJson ? 'application/json' : 'application/octet-stream')
    .set('created', record.created.toString());
  const event = new ReadRespMessage.ReadEvent().setEvent(recorded).setCommitPosition(record.position.toString());
  return new ReadRespMessage().setEvent(event);
}

export function streamNotFoundMessage(name: string): ReadResp {
  return new ReadRespMessage().setStreamNotFound(new ReadRespMessage.StreamNotFound().setStreamIdentifier(streamIdentifier(name)));
}

export function confirmationMessage(subscriptionId: string): ReadResp {
  return new ReadRespMessage().setConfirmation(new ReadRespMessage.SubscriptionConfirmation().setSubscriptionId(subscriptionId));
}

export function caughtUpMessage(): ReadResp {
  return new ReadRespMessage().setCaughtUp(new ReadRespMessage.CaughtUp());
}

type ServerStream<T> = ServerWritableStream<unknown, T> | ServerDuplexStream<unknown, T>;

/** Ends a call with an error status: a StatusError's own, INTERNAL for anything else. */
export function failCall(call: ServerStream<unknown>, error: unknown): void {
  const failure = error instanceof StatusError ? error : new StatusError(status.INTERNAL, String(error));
  call.emit('error', { code: failure.code, details: failure.details });
}

/** Writes with backpressure: resolves once the call can take more, or is cancelled. */
export function send<T>(call: ServerStream<T>, message: T): Promise<void> {
  if (call.cancelled || call.write(message)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });
}
