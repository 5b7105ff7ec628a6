/**
 * The baseline the benches measure the embedded store against: the least table an event store needs
 * for the port's reads, on raw better-sqlite3 (see store-bench.ts), and the events appended to it.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { NewEvent } from '../../domain/ports/event-store.js';
import type { Synchronous } from '../../infrastructure/event-store/sqlite/schema.js';
import { realisticData } from './payload.js';

const actor = { id: 'clerk-0001', role: 'municipal-clerk', organisation: '131016' };

export function newEvents(n: number, from: number): NewEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    type: 'CertificateIssued',
    schemaVersion: 1,
    data: realisticData(from + i) as NewEvent['data'],
    metadata: { actor, correlationId: randomUUID(), causationId: randomUUID(), idempotencyKey: randomUUID() },
  }));
}

export function openRaw(file: string, synchronous: Synchronous): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec(`CREATE TABLE IF NOT EXISTS raw_events (
    position INTEGER PRIMARY KEY, event_id TEXT NOT NULL, stream TEXT NOT NULL, revision INTEGER NOT NULL,
    type TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (stream, revision))`);
  return db;
}

export function rawInserter(db: Database.Database) {
  const insert = db.prepare('INSERT INTO raw_events (event_id, stream, revision, type, data) VALUES (?, ?, ?, ?, ?)');
  return db.transaction((stream: string, batch: readonly NewEvent[]) => {
    batch.forEach((e, revision) => insert.run(e.id, stream, revision, e.type, JSON.stringify(e.data)));
  });
}
