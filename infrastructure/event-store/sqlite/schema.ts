/**
 * The embedded store's one-file schema.
 *
 * `events.position` is the global order, dense from 1: a deleted row leaves a gap. Event ids are
 * not indexed: an idempotent re-append is recognised by place (stream, revision), as the contract
 * says, which spares every commit a write into a random page of an id index. `chain` links the
 * global order (chain_n = SHA-256(chain_{n-1} || hash_n)) and `log_head` holds the last position and
 * chain, so removing the last event of the whole log is visible too. `metadata` is the canonical JSON
 * of the envelope without `hash`, exactly the text that was hashed. `hash` and `chain` are the 32 bytes
 * of their SHA-256 (version 2; version 1 kept them as 64 hex characters, ~100 bytes more a row, and
 * is converted on open). The chain is still computed over the hex texts, so the conversion changes
 * no value. The triggers only stop honest mistakes; tamper evidence rests on the hashes, which
 * `ledger verify` recomputes.
 */
import type { Database } from 'better-sqlite3';

export const SCHEMA_VERSION = 2;
export const GLOBAL_GENESIS_CHAIN = 'f'.repeat(64);

const eventsTable = (name: string): string => `
CREATE TABLE IF NOT EXISTS ${name} (
  position  INTEGER PRIMARY KEY,
  event_id  TEXT    NOT NULL,
  stream    TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  type      TEXT    NOT NULL,
  data      TEXT    NOT NULL,
  metadata  TEXT    NOT NULL,
  hash      BLOB    NOT NULL,
  chain     BLOB    NOT NULL,
  UNIQUE (stream, revision)
);`;

const TRIGGERS = `
CREATE TRIGGER IF NOT EXISTS events_are_immutable_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TRIGGER IF NOT EXISTS events_are_immutable_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
`;

const DDL = `${eventsTable('events')}
CREATE TABLE IF NOT EXISTS log_head (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  position INTEGER NOT NULL,
  chain    BLOB    NOT NULL
);
INSERT OR IGNORE INTO log_head (id, position, chain) VALUES (1, 0, X'${GLOBAL_GENESIS_CHAIN}');
${TRIGGERS}`;

/**
 * Version 1 → 2: the same rows with hash and chain as bytes. Copied into a new table (the triggers
 * refuse updates in place), in one transaction; a value that is not 64 hex characters stops it, so
 * a file whose hashes were tampered with is not silently normalised.
 */
const VERSION_1_BAD_HEX = `SELECT count(*) AS n FROM events
  WHERE length(hash) <> 64 OR length(chain) <> 64 OR unhex(hash) IS NULL OR unhex(chain) IS NULL`;

const FROM_VERSION_1 = `${eventsTable('events_v2')}
INSERT INTO events_v2 (position, event_id, stream, revision, type, data, metadata, hash, chain)
  SELECT position, event_id, stream, revision, type, data, metadata, unhex(hash), unhex(chain) FROM events ORDER BY position;
DROP TRIGGER IF EXISTS events_are_immutable_update;
DROP TRIGGER IF EXISTS events_are_immutable_delete;
DROP TABLE events;
ALTER TABLE events_v2 RENAME TO events;
CREATE TABLE log_head_v2 (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  position INTEGER NOT NULL,
  chain    BLOB    NOT NULL
);
INSERT INTO log_head_v2 (id, position, chain) SELECT id, position, unhex(chain) FROM log_head;
DROP TABLE log_head;
ALTER TABLE log_head_v2 RENAME TO log_head;
${TRIGGERS}`;

export type Synchronous = 'FULL' | 'NORMAL';

/**
 * At open the busy handler waits up to `busyTimeoutMs` for a lock held elsewhere (start-up is off
 * the request path); the store shortens it once open (sqlite-faults.ts).
 */
export function openPragmas(db: Database, synchronous: Synchronous, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
}

export function migrate(db: Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`event store file has schema version ${version}; this build knows up to ${SCHEMA_VERSION}`);
  }
  if (version === 1) {
    db.transaction(() => {
      // Another process may have converted the file while this one waited for the lock.
      if (db.pragma('user_version', { simple: true }) !== 1) return;
      const bad = db.prepare<[], { n: number }>(VERSION_1_BAD_HEX).get()?.n ?? 0;
      if (bad > 0) throw new Error(`event store file (schema version 1) has ${bad} event(s) whose hash or chain is not 64 hex characters; it was not converted`);
      db.exec(FROM_VERSION_1);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
    return;
  }
  db.exec(DDL);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
