/**
 * Chooses the adapter from configuration: EventStoreDB when LEDGER_EVENTSTORE_URL is set, else the
 * embedded SQLite store in <LEDGER_DATA_DIR>/events.sqlite.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { Config } from '../config/config.js';
import { defaultCheckpoints } from './sqlite/checkpointer.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

export const SQLITE_FILE = 'events.sqlite';

export function sqliteFile(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, SQLITE_FILE);
}

export async function openEventStore(
  config: Pick<Config, 'dataDir' | 'LEDGER_EVENTSTORE_URL' | 'LEDGER_SQLITE_SYNCHRONOUS'>,
  clock: Clock,
  /** A worker thread's store leaves the checkpointer thread, where there is one, to the main thread's store on the same file. */
  thread: 'main' | 'worker' = 'main',
): Promise<EventStore> {
  if (config.LEDGER_EVENTSTORE_URL !== undefined) {
    // Loaded only when configured: the gRPC client is heavy and the embedded default never needs it.
    const { EventStoreDbEventStore } = await import('./eventstoredb/eventstoredb-event-store.js');
    return EventStoreDbEventStore.connect({ url: config.LEDGER_EVENTSTORE_URL, clock });
  }
  mkdirSync(config.dataDir, { recursive: true });
  const synchronous = config.LEDGER_SQLITE_SYNCHRONOUS;
  return new SqliteEventStore({ file: sqliteFile(config), clock, synchronous, checkpoints: defaultCheckpoints(synchronous, thread) });
}
