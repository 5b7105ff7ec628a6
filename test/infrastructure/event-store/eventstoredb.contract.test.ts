/**
 * The contract against a real EventStoreDB: the server named by LEDGER_EVENTSTORE_URL, else a
 * container when a Docker engine is reachable, else skipped with one line saying why.
 */
import { describe } from 'vitest';
import { EventStoreDbEventStore } from '../../../infrastructure/event-store/eventstoredb/eventstoredb-event-store.js';
import { systemClock } from '../../support/clocks.js';
import { describeEventStoreContract } from '../../support/event-store-contract.js';

const IMAGE = 'eventstore/eventstore:24.10';
const HTTP_PORT = 2113;

interface Server {
  readonly label: string;
  readonly url: string;
  stop(): Promise<void>;
}

/** A server to run against, or why there is none. */
async function findServer(): Promise<Server | string> {
  const url = process.env.LEDGER_EVENTSTORE_URL;
  if (url !== undefined && url !== '') return { label: 'eventstoredb at LEDGER_EVENTSTORE_URL', url, stop: async () => {} };
  const { getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch (error) {
    return `no Docker engine reachable (${(error as Error).message}) and LEDGER_EVENTSTORE_URL not set`;
  }
  return startContainer();
}

/** Started here rather than in a hook: pulling the image may take longer than a hook may. */
async function startContainer(): Promise<Server> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(IMAGE)
    .withEnvironment({
      EVENTSTORE_CLUSTER_SIZE: '1',
      EVENTSTORE_INSECURE: 'true',
      EVENTSTORE_RUN_PROJECTIONS: 'All',
      EVENTSTORE_START_STANDARD_PROJECTIONS: 'true',
    })
    .withExposedPorts(HTTP_PORT)
    .withWaitStrategy(Wait.forHttp('/health/live', HTTP_PORT).forStatusCodeMatching((code) => code >= 200 && code < 300))
    .withStartupTimeout(180_000)
    .start();
  return {
    label: `eventstoredb (${IMAGE} in a container)`,
    url: `esdb://${container.getHost()}:${container.getMappedPort(HTTP_PORT)}?tls=false`,
    stop: async () => {
      await container.stop();
    },
  };
}

const server = await findServer();
if (typeof server === 'string') console.log(`eventstoredb contract skipped: ${server}`);

describe.skipIf(typeof server === 'string')('EventStoreDB server', () => {
  const label = typeof server === 'string' ? 'eventstoredb' : server.label;
  describeEventStoreContract(label, async () => {
    if (typeof server === 'string') throw new Error(server);
    const store = await EventStoreDbEventStore.connect({ url: server.url, clock: systemClock });
    return {
      store,
      dispose: async () => {
        await store.close();
        await server.stop();
      },
    };
  });
});
