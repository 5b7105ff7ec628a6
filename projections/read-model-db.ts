/**
 * The read-model database: one SQLite file under the data directory (`read-models.sqlite`),
 * whichever event store is configured, with a checkpoint per projection. Positions are kept as
 * decimal text: EventStoreDB positions are unsigned 64-bit.
 */
import Database from 'better-sqlite3';
import { OPEN_BUSY_TIMEOUT_MS, openFault } from '../infrastructure/event-store/sqlite/sqlite-faults.js';
import { prepared } from './prepared.js';

export const READ_MODEL_FILE = 'read-models.sqlite';

/** A failure to open it is a one-line start-up fault naming the file (sqlite-faults.ts). */
export function openReadModels(file: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: OPEN_BUSY_TIMEOUT_MS });
  } catch (error) {
    throw openFault('the read models', file, error);
  }
  try {
    db.pragma('journal_mode = WAL');
    // A read model can always be rebuilt from the log: losing the last transactions to a power cut
    // costs a re-fold, never a wrong answer (the checkpoint moves with the data).
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE IF NOT EXISTS checkpoints (projection TEXT PRIMARY KEY, position TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 0)');
  } catch (error) {
    db.close();
    throw openFault('the read models', file, error);
  }
  return db;
}

export function readCheckpoint(db: Database.Database, projection: string): bigint {
  const row = prepared(db, 'SELECT position FROM checkpoints WHERE projection = ?').get(projection) as { position: string } | undefined;
  return row === undefined ? 0n : BigInt(row.position);
}

export function writeCheckpoint(db: Database.Database, projection: string, position: bigint): void {
  prepared(db, 'INSERT INTO checkpoints (projection, position) VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET position = excluded.position').run(
    projection,
    position.toString(),
  );
}

export function readVersion(db: Database.Database, projection: string): number | undefined {
  return db.prepare<[string], { version: number }>('SELECT version FROM checkpoints WHERE projection = ?').get(projection)?.version;
}

export function writeVersion(db: Database.Database, projection: string, version: number): void {
  db.prepare('INSERT INTO checkpoints (projection, position, version) VALUES (?, ?, ?) ON CONFLICT (projection) DO UPDATE SET version = excluded.version').run(
    projection,
    '0',
    version,
  );
}
