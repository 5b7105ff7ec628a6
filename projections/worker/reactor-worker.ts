/**
 * The registry reactor's worker thread: its own connections to the event store and to the
 * read-model file, the same `RegistryReactor` as in-thread. How far the read models have folded it
 * reads from their checkpoints, again each time the main thread says the runner folded a batch.
 * It tells the main thread how far it has handled the log, and when it appended (so the other
 * followers of the embedded store read at once rather than at their next poll).
 */
import type { EventStore } from '../../domain/ports/event-store.js';
import { systemClock } from '../../infrastructure/clock/system-clock.js';
import { openEventStore } from '../../infrastructure/event-store/open-event-store.js';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { idSource } from '../../infrastructure/ids/id-source.js';
import { CertificateStatusQueries } from '../certificate-status/certificate-status.js';
import { PositionWaiters } from '../position-waiters.js';
import { openReadModels } from '../read-model-db.js';
import { PROJECTIONS } from '../read-models.js';
import { RegistryNoticeQueries } from '../registry/registry-notices.js';
import { RegistryReactor } from '../registry/registry-reactor.js';
import { foldedPosition } from '../runner.js';
import type { FromReactor, ReactorWorkerData, ToReactor } from './messages.js';
import { workerSide, type HostMessage } from './worker-host.js';

const { port, send, data, log } = workerSide<FromReactor, ReactorWorkerData>('reactor-worker');

const store: EventStore = await openEventStore(data.store, systemClock, 'worker');
const db = openReadModels(data.readModelFile);

/** The read models' progress as their checkpoints record it (the runner commits them with each batch), read again when told of a fold. */
const waiters = new PositionWaiters();
let folded = foldedPosition(db, PROJECTIONS);
const runner = {
  waitFor: (position: bigint, timeoutMs: number): Promise<boolean> => {
    if (folded < position) folded = foldedPosition(db, PROJECTIONS);
    return folded >= position ? Promise.resolve(true) : waiters.wait(position, timeoutMs);
  },
};

/**
 * Both connections are this thread's own, so a step's reads share read transactions: the log's
 * (`readTogether`) and the read models' (begun at the step's first read, after the fold it waited
 * for; the checkpoint, the one write here, is saved after the step).
 */
async function together<T>(step: () => Promise<T>): Promise<T> {
  const inStep = async (): Promise<T> => {
    db.exec('BEGIN');
    try {
      return await step();
    } finally {
      db.exec('COMMIT');
    }
  };
  return store instanceof SqliteEventStore ? store.readTogether(inStep) : inStep();
}

const reactor = new RegistryReactor(
  db,
  store,
  runner,
  { store, ids: idSource, clock: systemClock, register: new CertificateStatusQueries(db), notices: new RegistryNoticeQueries(db) },
  log,
  together,
);
reactor.onProgress((position) => send({ kind: 'reacted', position: position.toString() }));

// Tell the main thread of this thread's appends, once per burst; not of the wake-ups it relays here.
let relaying = false;
let pending = false;
if (store instanceof SqliteEventStore) {
  store.onAppend(() => {
    if (relaying || pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      send({ kind: 'appended' });
    });
  });
}

port.on('message', (message: HostMessage | ToReactor) => {
  if (message.kind === 'folded') {
    folded = foldedPosition(db, PROJECTIONS);
    waiters.reached(folded);
    return;
  }
  if (message.kind === 'appended') {
    if (store instanceof SqliteEventStore) {
      relaying = true;
      store.appendedElsewhere();
      relaying = false;
    }
    return;
  }
  void (async () => {
    const stopping = reactor.stop();
    waiters.cancelAll(); // a step waiting for the read models gives up now
    await stopping;
    await store.close();
    db.close();
    port.close(); // nothing else keeps the worker alive: it exits, which the main thread waits for
  })();
});

reactor.start();
send({ kind: 'started', position: reactor.position.toString() });
