/**
 * Registry change notices as operators and matching look them up: each notice's holder pseudonym,
 * kind, where it was received in the log, its reply status, and discrepancies flagged for an
 * operator. No personal information.
 */
import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import type { NoticeIndex } from '../../domain/ports/registers.js';
import { prepared } from '../prepared.js';
import type { Projection } from '../projection.js';

const DDL = `
CREATE TABLE IF NOT EXISTS registry_notices (
  notice_id        TEXT PRIMARY KEY,
  holder_ref       TEXT NOT NULL,
  municipality     TEXT NOT NULL,
  kind             TEXT NOT NULL,
  received_at      TEXT NOT NULL,
  received_position INTEGER NOT NULL,
  reply_status     TEXT,
  replied_at       TEXT,
  discrepancies    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS registry_notices_by_holder ON registry_notices (holder_ref, received_position);
CREATE INDEX IF NOT EXISTS registry_notices_discrepant ON registry_notices (received_position) WHERE discrepancies > 0;
`;

export const registryNoticesProjection: Projection = {
  name: 'registry-notices',
  version: 1,
  handles: new Set(['RegistryChangeReceived', 'RegistryChangeReplied', 'RegistryDiscrepancyFlagged']),
  init: (db) => db.exec(DDL),
  reset: (db) => db.exec('DROP TABLE IF EXISTS registry_notices'),
  apply(db: Database, event: RecordedEvent) {
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'RegistryChangeReceived':
        prepared(
          db,
          `INSERT INTO registry_notices (notice_id, holder_ref, municipality, kind, received_at, received_position)
           VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (notice_id) DO NOTHING`,
        ).run(data.noticeId, data.holderRef, data.municipalityCode, data.kind, data.receivedAt, event.position);
        return;
      case 'RegistryChangeReplied': {
        const flagged = (data.flagged as unknown[]).length;
        prepared(db, 'UPDATE registry_notices SET reply_status = ?, replied_at = ?, discrepancies = discrepancies + ? WHERE notice_id = ?').run(
          data.status,
          data.repliedAt,
          flagged,
          data.noticeId,
        );
        return;
      }
      case 'RegistryDiscrepancyFlagged':
        prepared(db, 'UPDATE registry_notices SET discrepancies = discrepancies + 1 WHERE notice_id = ?').run(data.noticeId);
        return;
    }
  },
};

export interface NoticeSummary {
  readonly noticeId: string;
  readonly municipalityCode: string;
  readonly kind: string;
  readonly receivedAt: string;
  readonly replyStatus?: string;
  readonly discrepancies: number;
}

export class RegistryNoticeQueries implements NoticeIndex {
  constructor(private readonly db: Database) {}

  noticesOf(holderRef: string, receivedBefore: bigint): string[] {
    const rows = prepared(this.db, 'SELECT notice_id FROM registry_notices WHERE holder_ref = ? AND received_position < ? ORDER BY received_position').all(
      holderRef,
      receivedBefore,
    ) as { notice_id: string }[];
    return rows.map((r) => r.notice_id);
  }

  /** The operator's queue: notices with a discrepancy to look at, oldest first. */
  withDiscrepancies(limit: number): NoticeSummary[] {
    return this.db
      .prepare<[number], { notice_id: string; municipality: string; kind: string; received_at: string; reply_status: string | null; discrepancies: number }>(
        'SELECT * FROM registry_notices WHERE discrepancies > 0 ORDER BY received_position LIMIT ?',
      )
      .all(limit)
      .map((r) => ({
        noticeId: r.notice_id,
        municipalityCode: r.municipality,
        kind: r.kind,
        receivedAt: r.received_at,
        ...(r.reply_status === null ? {} : { replyStatus: r.reply_status }),
        discrepancies: r.discrepancies,
      }));
  }
}
