/**
 * Streams.BatchAppend, the append the client uses when the server lists it among its features: one
 * long-lived bidirectional call, requests grouped by correlation id (options first, proposed events,
 * is_final last), one answer per group with that correlation id. A wrong expected version is an
 * error status (ALREADY_EXISTS) whose details pack event_store.client.WrongExpectedVersion with the
 * stream's current revision, as real nodes send it.
 */
import type { handleBidiStreamingCall } from '@grpc/grpc-js';
import codePb from '@eventstore/db-client/generated/code_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import type { Status } from '@eventstore/db-client/generated/status_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb.js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import type { AppendOutcome, Expected, ProposedEvent, TransactionLog } from './transaction-log.js';
import { failCall, streamName, uuidString } from './wire.js';

interface PendingAppend {
  readonly stream: StreamIdentifier;
  readonly expected: Expected;
  readonly events: ProposedEvent[];
}

export function batchAppendHandler(log: TransactionLog): handleBidiStreamingCall<BatchAppendReq, BatchAppendResp> {
  return (call) => {
    const pending = new Map<string, PendingAppend>();
    const receive = (request: BatchAppendReq): void => {
      const correlationId = request.getCorrelationId();
      const key = uuidString(correlationId);
      const options = request.getOptions();
      if (options !== undefined) {
        pending.set(key, { stream: options.getStreamIdentifier() ?? new sharedPb.StreamIdentifier(), expected: expectedOf(options), events: [] });
      }
      const append = pending.get(key);
      if (append === undefined) return;
      append.events.push(...request.getProposedMessagesList().map(proposedEvent));
      if (!request.getIsFinal()) return;
      pending.delete(key);
      const outcome = log.append(streamName(append.stream), append.events, append.expected);
      call.write(answer(correlationId as UUID, append, outcome));
    };
    call.on('data', (request: BatchAppendReq) => {
      try {
        receive(request);
      } catch (error) {
        failCall(call, error);
      }
    });
    call.on('end', () => call.end());
  };
}

function expectedOf(options: BatchAppendReq.Options): Expected {
  if (options.hasStreamPosition()) return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function proposedEvent(message: BatchAppendReq.ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: uuidString(message.getId()),
    type: metadata.get('type') ?? '',
    isJson: metadata.get('content-type') === 'application/json',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

function answer(correlationId: UUID, append: PendingAppend, outcome: AppendOutcome): BatchAppendResp {
  const response = new streamsPb.BatchAppendResp().setCorrelationId(correlationId).setStreamIdentifier(append.stream);
  if (outcome.kind === 'wrong-expected-version') return response.setError(wrongExpectedVersion(outcome.current, append.expected));
  const success = new streamsPb.BatchAppendResp.Success();
  if (outcome.lastRevision === undefined) success.setNoStream(new emptyPb.Empty());
  else success.setCurrentRevision(outcome.lastRevision.toString());
  if (outcome.position === undefined) success.setNoPosition(new emptyPb.Empty());
  else success.setPosition(new sharedPb.AllStreamPosition().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()));
  return response.setSuccess(success);
}

function wrongExpectedVersion(current: bigint | undefined, expected: Expected): Status {
  const details = new sharedPb.WrongExpectedVersion();
  if (current === undefined) details.setCurrentNoStream(new emptyPb.Empty());
  else details.setCurrentStreamRevision(current.toString());
  if (expected.kind === 'revision') details.setExpectedStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') details.setExpectedNoStream(new emptyPb.Empty());
  else if (expected.kind === 'stream_exists') details.setExpectedStreamExists(new emptyPb.Empty());
  else details.setExpectedAny(new emptyPb.Empty());
  const packed = new anyPb.Any();
  packed.pack(details.serializeBinary(), 'event_store.client.WrongExpectedVersion');
  return new statusPb.Status().setCode(codePb.Code.ALREADY_EXISTS).setMessage('WrongExpectedVersion').setDetails(packed);
}
