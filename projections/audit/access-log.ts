/**
 * Accesses to personal information as the privacy council's reports read them: one row per
 * `PersonalInformationAccessed` (who — actor id, organisation, role —, when in JST, why, which
 * function, which items, about which holder pseudonym in which municipality), and the cases each
 * holder has in each municipality (an application, a certificate or a registry notice), so a read
 * with no related case shows; and per-day roll-ups (by kind of access, by actor), so a report over a
 * long period reads counts rather than every access (access-log-queries.ts). No personal
 * information: holders appear only as pseudonyms.
 */
import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
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
  items         TEXT NOT NULL,
  without_case  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS access_records_by_time ON access_records (accessed_at);
CREATE INDEX IF NOT EXISTS access_records_by_holder ON access_records (holder_ref, actor_id, accessed_at, municipality);
CREATE INDEX IF NOT EXISTS access_records_by_minute ON access_records (minute_jst, accessed_at, weekday_jst, actor_id, role, organisation);
CREATE TABLE IF NOT EXISTS holder_cases (holder_ref TEXT NOT NULL, municipality TEXT NOT NULL, PRIMARY KEY (holder_ref, municipality)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS access_daily (
  day TEXT NOT NULL, organisation TEXT NOT NULL, role TEXT NOT NULL, purpose TEXT NOT NULL, legal_basis TEXT NOT NULL, function TEXT NOT NULL,
  count INTEGER NOT NULL, unstated INTEGER NOT NULL,
  PRIMARY KEY (day, organisation, role, purpose, legal_basis, function)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS actor_daily (
  day TEXT NOT NULL, actor_id TEXT NOT NULL, role TEXT NOT NULL, organisation TEXT NOT NULL, total INTEGER NOT NULL, without_case INTEGER NOT NULL,
  PRIMARY KEY (day, actor_id, role, organisation)
) WITHOUT ROWID;
`;

export const JST_OFFSET_MS = 9 * 3600_000;

const SQL = {
  access: `INSERT INTO access_records (position, accessed_at, day, minute_jst, weekday_jst, actor_id, organisation, role, purpose, purpose_stated, legal_basis, function, recipient, holder_ref, municipality, items, without_case)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  daily: `INSERT INTO access_daily (day, organisation, role, purpose, legal_basis, function, count, unstated) VALUES (?, ?, ?, ?, ?, ?, 1, ?)
          ON CONFLICT DO UPDATE SET count = count + 1, unstated = unstated + excluded.unstated`,
  actorDaily: `INSERT INTO actor_daily (day, actor_id, role, organisation, total, without_case) VALUES (?, ?, ?, ?, 1, ?)
               ON CONFLICT DO UPDATE SET total = total + 1, without_case = without_case + excluded.without_case`,
  hasCase: 'SELECT 1 FROM holder_cases WHERE holder_ref = ? AND municipality = ?',
  holderCase: 'INSERT INTO holder_cases (holder_ref, municipality) VALUES (?, ?) ON CONFLICT DO NOTHING',
};

export const accessLogProjection: Projection = {
  name: 'access-log',
  version: 2,
  handles: new Set(['PersonalInformationAccessed', 'ApplicationSubmitted', 'CertificateIssued', 'RegistryChangeReceived']),
  init: (db) => db.exec(DDL),
  reset: (db) => db.exec('DROP TABLE IF EXISTS access_records; DROP TABLE IF EXISTS holder_cases; DROP TABLE IF EXISTS access_daily; DROP TABLE IF EXISTS actor_daily;'),
  apply(db: Database, event: RecordedEvent) {
    const d = event.data as Record<string, unknown>;
    if (event.type !== 'PersonalInformationAccessed') {
      prepared(db, SQL.holderCase).run(d.holderRef, d.municipalityCode);
      return;
    }
    const accessedAt = String(d.accessedAt);
    const jst = new Date(Date.parse(accessedAt) + JST_OFFSET_MS);
    const day = jst.toISOString().slice(0, 10);
    const actor = event.metadata.actor;
    const municipality = (d.municipalityCode as string | undefined) ?? null;
    // A read with no application, certificate or notice for the holder in that municipality recorded before it.
    const withoutCase = municipality !== null && prepared(db, SQL.hasCase).get(d.holderRef, municipality) === undefined ? 1 : 0;
    const unstated = d.purposeStated === true ? 0 : 1;
    const inserted = prepared(db, SQL.access).run(
      event.position,
      new Date(accessedAt).toISOString(),
      day,
      jst.getUTCHours() * 60 + jst.getUTCMinutes(),
      jst.getUTCDay(),
      actor.id,
      actor.organisation,
      actor.role,
      d.purpose,
      1 - unstated,
      d.legalBasis,
      d.function,
      d.recipient,
      d.holderRef,
      municipality,
      (d.items as string[]).join(','),
      withoutCase,
    );
    if (inserted.changes === 0) return;
    prepared(db, SQL.daily).run(day, actor.organisation, actor.role, d.purpose, d.legalBasis, d.function, unstated);
    prepared(db, SQL.actorDaily).run(day, actor.id, actor.role, actor.organisation, withoutCase);
  },
};
