/**
 * Accesses to personal information as the privacy council's reports read them: one row per
 * `PersonalInformationAccessed` (who — actor id, organisation, role —, when in JST, why, which
 * function, which items, about which holder pseudonym in which municipality), and the cases each
 * holder has in each municipality (an application, a certificate or a registry notice), so a read
 * with no related case shows. No personal information: holders appear only as pseudonyms.
 */
import type { Database } from 'better-sqlite3';
import type { AccessAggregates, HolderActivity, ReportSettings } from '../../domain/audit/access-report.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import type { AccessRecords, DisclosureRecord } from '../../domain/ports/registers.js';
import { prepared } from '../prepared.js';
import type { Projection } from '../projection.js';

const DDL = `
CREATE TABLE IF NOT EXISTS access_records (
  position      INTEGER PRIMARY KEY,
  accessed_at   TEXT NOT NULL,
  day           TEXT NOT NULL,
  minute_jst    INTEGER NOT NULL,
  weekday_jst   INTEGER NOT NULL,
  actor_id      TEXT NOT NULL,
  organisation  TEXT NOT NULL,
  role          TEXT NOT NULL,
  purpose       TEXT NOT NULL,
  purpose_stated INTEGER NOT NULL,
  legal_basis   TEXT NOT NULL,
  function      TEXT NOT NULL,
  recipient     TEXT NOT NULL,
  holder_ref    TEXT NOT NULL,
  municipality  TEXT,
  items         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS access_records_by_time ON access_records (accessed_at);
CREATE INDEX IF NOT EXISTS access_records_by_holder ON access_records (holder_ref, accessed_at);
CREATE TABLE IF NOT EXISTS holder_cases (holder_ref TEXT NOT NULL, municipality TEXT NOT NULL, PRIMARY KEY (holder_ref, municipality)) WITHOUT ROWID;
`;

const JST_OFFSET_MS = 9 * 3600_000;

const SQL = {
  access: `INSERT INTO access_records (position, accessed_at, day, minute_jst, weekday_jst, actor_id, organisation, role, purpose, purpose_stated, legal_basis, function, recipient, holder_ref, municipality, items)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  holderCase: 'INSERT INTO holder_cases (holder_ref, municipality) VALUES (?, ?) ON CONFLICT DO NOTHING',
};

export const accessLogProjection: Projection = {
  name: 'access-log',
  version: 1,
  handles: new Set(['PersonalInformationAccessed', 'ApplicationSubmitted', 'CertificateIssued', 'RegistryChangeReceived']),
  init: (db) => db.exec(DDL),
  reset: (db) => db.exec('DROP TABLE IF EXISTS access_records; DROP TABLE IF EXISTS holder_cases;'),
  apply(db: Database, event: RecordedEvent) {
    const d = event.data as Record<string, unknown>;
    if (event.type !== 'PersonalInformationAccessed') {
      prepared(db, SQL.holderCase).run(d.holderRef, d.municipalityCode);
      return;
    }
    const accessedAt = String(d.accessedAt);
    const jst = new Date(Date.parse(accessedAt) + JST_OFFSET_MS);
    const actor = event.metadata.actor;
    prepared(db, SQL.access).run(
      event.position,
      new Date(accessedAt).toISOString(),
      jst.toISOString().slice(0, 10),
      jst.getUTCHours() * 60 + jst.getUTCMinutes(),
      jst.getUTCDay(),
      actor.id,
      actor.organisation,
      actor.role,
      d.purpose,
      d.purposeStated === true ? 1 : 0,
      d.legalBasis,
      d.function,
      d.recipient,
      d.holderRef,
      d.municipalityCode ?? null,
      (d.items as string[]).join(','),
    );
  },
};

export class AccessLog implements AccessRecords {
  constructor(private readonly db: Database) {}

  /** The counts the access report is made from, over [from, to). One pass per kind of count. */
  aggregates(from: Date, to: Date, settings: ReportSettings): AccessAggregates {
    const range = [from.toISOString(), to.toISOString()] as const;
    const groups = (
      prepared(
        this.db,
        `SELECT organisation, role, purpose, legal_basis, function, day, COUNT(*) AS count, SUM(1 - purpose_stated) AS unstated
         FROM access_records WHERE accessed_at >= ? AND accessed_at < ? GROUP BY organisation, role, purpose, legal_basis, function, day`,
      ).all(...range) as { organisation: string; role: string; purpose: string; legal_basis: string; function: string; day: string; count: number; unstated: number }[]
    ).map((r) => ({ organisation: r.organisation, role: r.role, purpose: r.purpose, legalBasis: r.legal_basis, function: r.function, day: r.day, count: r.count, unstated: r.unstated }));
    const days = settings.businessDays.map((d) => Number(d)).join(', ');
    const actors = (
      this.db
        .prepare(
          `SELECT actor_id, role, organisation, COUNT(*) AS total,
             SUM(CASE WHEN weekday_jst NOT IN (${days === '' ? '-1' : days}) OR minute_jst < ? OR minute_jst >= ? THEN 1 ELSE 0 END) AS after_hours,
             SUM(CASE WHEN municipality IS NOT NULL AND NOT EXISTS
                   (SELECT 1 FROM holder_cases c WHERE c.holder_ref = a.holder_ref AND c.municipality = a.municipality) THEN 1 ELSE 0 END) AS without_case
           FROM access_records a WHERE accessed_at >= ? AND accessed_at < ? GROUP BY actor_id, role, organisation`,
        )
        .all(settings.businessStartMinute, settings.businessEndMinute, ...range) as { actor_id: string; role: string; organisation: string; total: number; after_hours: number; without_case: number }[]
    ).map((r) => ({ actorId: r.actor_id, role: r.role, organisation: r.organisation, total: r.total, afterHours: r.after_hours, withoutCase: r.without_case }));
    const widelyRead = prepared(
      this.db,
      `SELECT MIN(municipality) AS municipality, COUNT(DISTINCT actor_id) AS actors, COUNT(*) AS accesses
       FROM access_records WHERE accessed_at >= ? AND accessed_at < ? GROUP BY holder_ref HAVING COUNT(DISTINCT actor_id) >= ?`,
    ).all(...range, settings.manyActors) as HolderActivity[];
    return { from: range[0], to: range[1], groups, actors, widelyRead };
  }

  /** Every recorded access to one holder's information, oldest first. */
  disclosuresOf(holderRef: string): DisclosureRecord[] {
    const rows = prepared(
      this.db,
      'SELECT accessed_at, organisation, role, purpose, legal_basis, function, items FROM access_records WHERE holder_ref = ? ORDER BY accessed_at, position',
    ).all(holderRef) as { accessed_at: string; organisation: string; role: string; purpose: string; legal_basis: string; function: string; items: string }[];
    return rows.map((r) => ({ accessedAt: r.accessed_at, organisation: r.organisation, role: r.role, purpose: r.purpose, legalBasis: r.legal_basis, function: r.function, items: r.items.split(',') }));
  }

  /** A municipality the holder has a case in (the first by code), if any. */
  municipalityOf(holderRef: string): string | undefined {
    return (prepared(this.db, 'SELECT municipality FROM holder_cases WHERE holder_ref = ? ORDER BY municipality LIMIT 1').get(holderRef) as { municipality: string } | undefined)?.municipality;
  }
}
