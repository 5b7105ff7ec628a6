/**
 * Ledger positions (bigint) and EventStoreDB's $all positions ({ commit, prepare }).
 *
 * What real nodes do, from the client 6.2.1 sources, the server sources and its issue tracker:
 * - An append (gRPC Append or BatchAppend) writes one prepare record per event, each flagged
 *   IsCommitted, and no separate commit record (StorageWriterService, WritePrepares). Reading $all, the
 *   server reports such an event at commit = prepare = the log position of its own record (AllReader:
 *   `new CommitEventRecord(eventRecord, eventRecord.LogPosition)`). Only explicit transactions, which
 *   only the retired TCP client could open, give commit != prepare.
 * - The append answer carries the log position of the batch's last event, as both commit and prepare
 *   (the WriteEvents request manager answers `CommitPosition, CommitPosition`, and the commit ack
 *   carries the TransactionEnd prepare's LogPosition).
 * - Stream reads carry the same pair since 22.6 (server PR #3459: ResolvedEvent.CalculatePosition
 *   gives a self-committed event (LogPosition, LogPosition)); before, it was left empty, which the
 *   client reports as 2^64 - 1.
 * - Positions advance by the byte size of each record, so they are sparse, and system records (stats,
 *   projection link events, metadata) take positions between ledger events.
 * - Reading $all forwards from a position is inclusive, reading backwards from it is exclusive (the
 *   server treats it as the end of the previous record), and subscribing from it is exclusive. A
 *   position that is not the start of a record is invalid: the read fails (server PRs #4128 and
 *   #4131 made subscriptions report it as InvalidPosition).
 *
 * So a ledger position P maps to { commit: P, prepare: P }, and every position this adapter hands
 * out (an append result, an event read back, the head) is the start of a ledger event's record: it
 * can be read and subscribed from exactly. The adapter never computes a position (no P + 1): a
 * backwards read that must include P first reads the event at P forwards (see reading.ts).
 */
import { START, type Position, type ReadPosition } from '@eventstore/db-client';
import type { GlobalPosition } from '../../../domain/ports/event-store.js';

/** What the client reports when the server did not send a position. */
const NO_POSITION = 2n ** 64n - 1n;

/** 0n means "before every event" (what headPosition() answers on an empty store), as 'start' does. */
export function toReadPosition(position: GlobalPosition | 'start' | 'end'): ReadPosition {
  if (position === 0n) return START;
  if (typeof position === 'bigint') return { commit: position, prepare: position };
  return position;
}

/** The ledger position of an event written by an append, as reported by a read or an append. */
export function toLedgerPosition(position: Position | undefined, what: string): GlobalPosition {
  if (position === undefined || position.commit === NO_POSITION) {
    throw new Error(`EventStoreDB reported no $all position for ${what} (servers before 22.6 leave it out of stream reads)`);
  }
  if (position.commit !== position.prepare) {
    throw new Error(`${what} has commit ${position.commit} != prepare ${position.prepare}: it was not written by an append of this adapter`);
  }
  return position.commit;
}
