/**
 * The projection runner's worker thread: opens its own connection to the event store and to the
 * read-model file, folds with the same `ProjectionRunner` as in-thread, and tells the main thread
 * each position it has folded (with what the events were about, so caches there drop what changed).
 */
import type { EventStore } from '../../domain/ports/event-store.js';
import { systemClock } from '../../infrastructure/clock/system-clock.js';
import { openEventStore } from '../../infrastructure/event-store/open-event-store.js';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { openReadModels } from '../read-model-db.js';
import { PROJECTIONS } from '../read-models.js';
import { ProjectionRunner } from '../runner.js';
import { foldedSummary, type RunnerWorkerData, type ToMain } from './messages.js';
import { workerSide, type HostMessage } from './worker-host.js';

const { port, send, data, log } = workerSide<ToMain, RunnerWorkerData>('runner-worker');

const store: EventStore = await openEventStore(data.store, systemClock, 'worker');
const db = openReadModels(data.readModelFile);
const runner = new ProjectionRunner(store, db, PROJECTIONS, { log });
runner.onFolded((events) => send({ kind: 'folded', position: runner.position.toString(), events: foldedSummary(events) }));

port.on('message', (message: HostMessage) => {
  if (message.kind === 'appended') {
    if (store instanceof SqliteEventStore) store.appendedElsewhere();
    return;
  }
  void (async () => {
    await runner.stop();
    await store.close();
    db.close();
    port.close(); // nothing else keeps the worker alive: it exits, which the main thread waits for
  })();
});

runner.start();
send({ kind: 'started', position: runner.position.toString() });
