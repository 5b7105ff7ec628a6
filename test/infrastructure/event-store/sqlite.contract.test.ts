import { join } from 'node:path';
import { SqliteEventStore } from '../../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { systemClock } from '../../support/clocks.js';
import { describeEventStoreContract } from '../../support/event-store-contract.js';
import { tempDir } from '../../support/temp-dir.js';

describeEventStoreContract('sqlite', async () => {
  const dir = tempDir();
  const store = new SqliteEventStore({ file: join(dir.path, 'events.sqlite'), clock: systemClock, synchronous: 'NORMAL' });
  return {
    store,
    dispose: async () => {
      await store.close();
      dir.remove();
    },
  };
});
