/**
 * `ledger verify` for the embedded store: reads the file directly, read-only, in one snapshot (safe
 * while the server is writing), and checks beyond the per-stream chains what only the global order
 * can show: positions are dense from 1 (a deleted row leaves a gap), the global chain links every
 * event to the one before it (reordering shows), and the log head matches the last event (a deleted
 * tail shows). It relies on no trigger: an attacker who drops them is still caught.
 */
import Database from 'better-sqlite3';
import { openFault } from './sqlite-faults.js';
import { sha256Hex } from '../envelope.js';
import type { RecordedEvent } from '../../../domain/ports/event-store.js';
import { ChainVerifier, type BrokenLink, type LogWitness, type VerifyReport } from '../verify/chain-verifier.js';
import { GLOBAL_GENESIS_CHAIN } from './schema.js';
import { COLUMNS, hashHex, toRecordedEvent, type EventRow } from './rows.js';

type IntegrityRow = readonly [...EventRow, chain: Uint8Array | string];

/**
 * `witness` is made from the events of the named streams (the checkpoints and their key), read in
 * the same snapshot as the walk; it may refuse before the walk starts.
 */
export interface SqliteWitnessSource {
  readonly streams: readonly string[];
  make(events: readonly RecordedEvent[]): { witness: LogWitness } | { broken: BrokenLink };
}

export function verifySqliteFile(file: string, witnessSource?: SqliteWitnessSource): VerifyReport {
  const db = openToVerify(file);
  try {
    const verifier = new ChainVerifier();
    const made = witnessSource?.make(eventsOf(db, witnessSource.streams));
    if (made !== undefined && 'broken' in made) return verifier.report(made.broken);
    const witness = made?.witness;
    const broken = walk(db, verifier, witness) ?? witness?.finish();
    db.exec('COMMIT');
    return verifier.report(broken, witness);
  } finally {
    db.close();
  }
}

/** The file in a read transaction; one that verify cannot read at all (missing, unreadable, not SQLite) is one line naming it. */
function openToVerify(file: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.exec('BEGIN');
    db.prepare('SELECT 1 FROM sqlite_schema LIMIT 1').get();
    return db;
  } catch (error) {
    db?.close();
    throw openFault('the event store', file, error);
  }
}

function eventsOf(db: Database.Database, streams: readonly string[]): RecordedEvent[] {
  if (streams.length === 0) return [];
  return db
    .prepare<string[], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream IN (${streams.map(() => '?').join(', ')}) ORDER BY position`)
    .raw(true)
    .all(...streams)
    .map((row) => toRecordedEvent(row));
}

function walk(db: Database.Database, verifier: ChainVerifier, witness?: LogWitness): BrokenLink | undefined {
  const head = db.prepare<[], { position: number; chain: Uint8Array | string }>('SELECT position, chain FROM log_head WHERE id = 1').get();
  const rows = db
    .prepare<[], IntegrityRow>(`SELECT ${COLUMNS}, chain FROM events ORDER BY position`)
    .raw(true)
    .iterate();
  let expected = 1;
  let chain = GLOBAL_GENESIS_CHAIN;
  let previous: IntegrityRow | undefined;
  for (const row of rows) {
    const [position, , stream, revision, , , , hash, storedChain] = row;
    const at = { stream, revision: BigInt(revision), position: BigInt(position) };
    if (position !== expected) {
      const before = previous === undefined ? 'the start of the log' : `position ${previous[0]} (stream ${previous[2]}, revision ${previous[3]})`;
      return { ...at, problem: `global position ${expected} is missing: the log jumps from ${before} to position ${position}; an event was deleted` };
    }
    let event;
    try {
      event = toRecordedEvent(row);
      void event.metadata;
    } catch {
      return { ...at, problem: 'stored data or metadata is not valid JSON: the row was altered' };
    }
    const streamBreak = verifier.check(event);
    if (streamBreak !== undefined) return streamBreak;
    const witnessed = witness?.add(event);
    chain = sha256Hex(chain + hashHex(hash));
    if (chain !== hashHex(storedChain)) return { ...at, problem: 'the global chain does not link here: events were reordered, replaced or inserted' };
    if (witnessed !== undefined) return witnessed;
    previous = row;
    expected += 1;
  }
  const last = expected - 1;
  if (head === undefined) return { problem: 'the log head row is missing' };
  if (head.position !== last) {
    const where = previous === undefined ? {} : { stream: previous[2], revision: BigInt(previous[3]), position: BigInt(previous[0]) };
    return {
      ...where,
      problem:
        head.position > last
          ? `the log head records position ${head.position} but the last event is at ${last}: ${head.position - last} event(s) deleted from the end of the log`
          : `the log head records position ${head.position} but events run to ${last}: the head was altered or events were inserted`,
    };
  }
  if (hashHex(head.chain) !== chain) return { problem: 'the log head chain does not match the last event: the head was altered' };
  return undefined;
}
