/**
 * An in-process stand-in for an EventStoreDB node's gRPC API, for tests only: the real
 * @eventstore/db-client talks to it over real gRPC on 127.0.0.1. It serves the service definitions
 * generated in the client package and imitates what real nodes do that adapters trip on:
 * sparse positions (transaction-log.ts), system and link events in $all (system-events.ts),
 * inclusive reads and exclusive subscriptions, caught-up then live (read-service.ts), idempotent
 * re-appends and wrong-expected-version answers (transaction-log.ts, batch-append-service.ts), and
 * the ServerFeatures probe that makes the client use BatchAppend (server-features.ts).
 *
 * It does not imitate: durability (all in memory), security, stream metadata rules (max age,
 * truncation, ACLs), deletes, the Append method (BatchAppend only), stream and persistent
 * subscriptions, link resolution, checkpoint and fell-behind messages, explicit transactions, or
 * the bounded size of a node's idempotency cache.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import { batchAppendHandler } from './batch-append-service.js';
import { readHandler } from './read-service.js';
import { serverFeatures } from './server-features.js';
import { runSystemProjections, writeNodeStart } from './system-events.js';
import { TransactionLog } from './transaction-log.js';

export interface RunningStandIn {
  /** A connection string for EventStoreDBClient.connectionString. */
  readonly url: string;
  /** The stand-in's log, for tests that look at what was stored. */
  readonly log: TransactionLog;
  stop(): Promise<void>;
}

export async function start(): Promise<RunningStandIn> {
  const log = new TransactionLog();
  writeNodeStart(log);
  const stopProjections = runSystemProjections(log);
  const server = new Server();
  server.addService(streamsGrpc.StreamsService, { read: readHandler(log), batchAppend: batchAppendHandler(log) });
  server.addService(serverFeaturesGrpc.ServerFeaturesService, serverFeatures);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    log,
    stop: async () => {
      stopProjections();
      // Subscriptions never end by themselves: cancel every open call rather than wait for them.
      server.forceShutdown();
    },
  };
}
