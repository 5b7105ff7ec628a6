/**
 * The embedded store's one-file schema.
 *
 * `events.position` is the global order, dense from 1: a deleted row leaves a gap. Event ids are
 * not indexed: an idempotent re-append is recognised by place (stream, revision), as the contract
 * says, which spares every commit a write into a random page of an id index. `chain` links the
 * global order (chain_n = SHA-256(chain_{n-1} || hash_n)) and `log_head` holds the last position and
 * chain, so removing the last event of the whole log is visible too. `metadata` is the canonical JSON
 * of the envelope without `hash`, exactly the text that was hashed. The triggers only stop honest
 * mistakes; tamper evidence rests on the hashes, which `ledger verify` recomputes.
 */
import type { Database } from 'better-sqlite3';

export const SCHEMA_VERSION = 1;
export const GLOBAL_GENESIS_CHAIN = 'f'.repeat(64);

const DDL = `
CREATE TABLE IF NOT EXISTS events (
  position  INTEGER PRIMARY KEY,
  event_id  TEXT    NOT NULL,
  stream    TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  type      TEXT    NOT NULL,
  data      TEXT    NOT NULL,
  metadata  TEXT    NOT NULL,
  hash      TEXT    NOT NULL,
  chain     TEXT    NOT NULL,
  UNIQUE (stream, revision)
);
CREATE TABLE IF NOT EXISTS log_head (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  position INTEGER NOT NULL,
  chain    TEXT    NOT NULL
);
INSERT OR IGNORE INTO log_head (id, position, chain) VALUES (1, 0, '${GLOBAL_GENESIS_CHAIN}');
CREATE TRIGGER IF NOT EXISTS events_are_immutable_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TRIGGER IF NOT EXISTS events_are_immutable_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
`;

export type Synchronous = 'FULL' | 'NORMAL';

export function openPragmas(db: Database, synchronous: Synchronous): void {
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
}

export function migrate(db: Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`event store file has schema version ${version}; this build knows up to ${SCHEMA_VERSION}`);
  }
  db.exec(DDL);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
