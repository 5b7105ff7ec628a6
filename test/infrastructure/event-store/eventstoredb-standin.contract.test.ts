import { EventStoreDbEventStore } from '../../../infrastructure/event-store/eventstoredb/eventstoredb-event-store.js';
import { systemClock } from '../../support/clocks.js';
import { start } from '../../support/esdb-standin/standin.js';
import { describeEventStoreContract } from '../../support/event-store-contract.js';

describeEventStoreContract('eventstoredb via gRPC stand-in', async () => {
  const standIn = await start();
  const store = await EventStoreDbEventStore.connect({ url: standIn.url, clock: systemClock });
  return {
    store,
    dispose: async () => {
      await store.close();
      await standIn.stop();
    },
  };
});
