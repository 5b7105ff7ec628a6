/**
 * Certificate status: serial → type, holder pseudonym, municipality, validity, hold and revocation
 * (recorded and effective instants, reason). Also the issuance register that registry matching
 * reads: every certificate of a holder, by holderRef. No personal information.
 */
import type { Database } from 'better-sqlite3';
import type { CertificateIssuedData, CertificateRevokedData } from '../../domain/certificate/events.js';
import type { StatusRecord } from '../../domain/certificate/status.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import type { FoldedEvent } from '../runner.js';
import type { IssuanceRegister, RegisteredCertificate } from '../../domain/ports/registers.js';
import { prepared } from '../prepared.js';
import { folds, type Projection } from '../projection.js';

const DDL = `
CREATE TABLE IF NOT EXISTS certificate_status (
  serial_number   TEXT PRIMARY KEY,
  type            TEXT NOT NULL,
  application_id  TEXT NOT NULL,
  issued_position INTEGER NOT NULL,
  holder_ref      TEXT NOT NULL,
  municipality    TEXT NOT NULL,
  issuer_key_id   TEXT NOT NULL,
  not_before      TEXT NOT NULL,
  not_after       TEXT NOT NULL,
  delivered_at    TEXT,
  hold_placed_at  TEXT,
  hold_lifted_at  TEXT,
  reason          TEXT,
  revoked_at      TEXT,
  effective_at    TEXT,
  invalidity_date TEXT,
  position        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS certificate_status_by_holder ON certificate_status (holder_ref, type);
DROP INDEX IF EXISTS certificate_status_by_position;
CREATE INDEX IF NOT EXISTS certificate_status_by_issuer_position ON certificate_status (issuer_key_id, position);
CREATE INDEX IF NOT EXISTS certificate_status_by_issuer_municipality ON certificate_status (issuer_key_id, municipality);
CREATE INDEX IF NOT EXISTS certificate_status_listed ON certificate_status (issuer_key_id, municipality)
  WHERE revoked_at IS NOT NULL OR hold_placed_at IS NOT NULL;
`;

export const CERTIFICATE_STATUS = 'certificate-status';

const SQL = {
  issued: `INSERT INTO certificate_status (serial_number, type, application_id, issued_position, holder_ref, municipality, issuer_key_id, not_before, not_after, position)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (serial_number) DO NOTHING`,
  delivered: 'UPDATE certificate_status SET delivered_at = ?, position = ? WHERE serial_number = ?',
  held: 'UPDATE certificate_status SET hold_placed_at = ?, hold_lifted_at = NULL, position = ? WHERE serial_number = ?',
  lifted: 'UPDATE certificate_status SET hold_lifted_at = ?, position = ? WHERE serial_number = ?',
  revoked: 'UPDATE certificate_status SET reason = ?, revoked_at = ?, effective_at = ?, invalidity_date = ?, position = ? WHERE serial_number = ?',
};

export const certificateStatusProjection: Projection = {
  name: CERTIFICATE_STATUS,
  version: 3,
  handles: new Set(['CertificateIssued', 'CertificateDelivered', 'CertificateHoldPlaced', 'CertificateHoldLifted', 'CertificateRevoked']),
  init: (db) => db.exec(DDL),
  reset: (db) => db.exec('DROP TABLE IF EXISTS certificate_status'),
  apply(db: Database, event: RecordedEvent) {
    const position = event.position;
    switch (event.type) {
      case 'CertificateIssued': {
        const d = event.data as unknown as CertificateIssuedData;
        prepared(db, SQL.issued).run(d.serialNumber, d.certificateType, d.applicationId, position, d.holderRef, d.municipalityCode, d.issuerKeyId, d.notBefore, d.notAfter, position);
        return;
      }
      case 'CertificateDelivered': {
        const d = event.data as { serialNumber: string; deliveredAt: string };
        prepared(db, SQL.delivered).run(d.deliveredAt, position, d.serialNumber);
        return;
      }
      case 'CertificateHoldPlaced': {
        const d = event.data as { serialNumber: string; placedAt: string };
        prepared(db, SQL.held).run(d.placedAt, position, d.serialNumber);
        return;
      }
      case 'CertificateHoldLifted': {
        const d = event.data as { serialNumber: string; liftedAt: string };
        prepared(db, SQL.lifted).run(d.liftedAt, position, d.serialNumber);
        return;
      }
      case 'CertificateRevoked': {
        const d = event.data as unknown as CertificateRevokedData;
        prepared(db, SQL.revoked).run(d.reason, d.revokedAt, d.effectiveAt, d.invalidityDate ?? null, position, d.serialNumber);
        return;
      }
    }
  },
};

interface Row {
  serial_number: string;
  type: 'signing' | 'user-authentication';
  application_id: string;
  issued_position: number;
  holder_ref: string;
  municipality: string;
  issuer_key_id: string;
  not_before: string;
  not_after: string;
  delivered_at: string | null;
  hold_placed_at: string | null;
  hold_lifted_at: string | null;
  reason: string | null;
  revoked_at: string | null;
  effective_at: string | null;
  invalidity_date: string | null;
}

export interface CertificateStatusRow extends StatusRecord {
  readonly holderRef: string;
  readonly municipalityCode: string;
  readonly issuerKeyId: string;
  readonly notBefore: string;
}

function toRecord(row: Row): CertificateStatusRow {
  return {
    serialNumber: row.serial_number,
    certificateType: row.type,
    holderRef: row.holder_ref,
    municipalityCode: row.municipality,
    issuerKeyId: row.issuer_key_id,
    notBefore: row.not_before,
    notAfter: row.not_after,
    ...(row.hold_placed_at === null ? {} : { holdPlacedAt: row.hold_placed_at }),
    ...(row.hold_lifted_at === null ? {} : { holdLiftedAt: row.hold_lifted_at }),
    ...(row.reason === null || row.revoked_at === null || row.effective_at === null
      ? {}
      : {
          revocation: {
            reason: row.reason as NonNullable<StatusRecord['revocation']>['reason'],
            revokedAt: row.revoked_at,
            effectiveAt: row.effective_at,
            ...(row.invalidity_date === null ? {} : { invalidityDate: row.invalidity_date }),
          },
        }),
  };
}

/** Queries over the certificate-status read model. */
/** Serials whose record an event changes. */
export function serialsChangedBy(events: readonly FoldedEvent[]): Set<string> {
  const serials = new Set<string>();
  for (const event of events) {
    if (folds(certificateStatusProjection, event.type)) serials.add(String((event.data as { serialNumber?: unknown }).serialNumber));
  }
  return serials;
}

const CACHE_LIMIT = 100_000;

export class CertificateStatusQueries implements IssuanceRegister {
  /** Prepared once: the status route and OCSP ask this on every request. */
  private readonly bySerialStatement;
  /**
   * Recently read records, dropped when the runner folds an event that changes them (see
   * `forget`); a miss (undefined) is not cached, so a new certificate is seen at once.
   */
  private readonly cache = new Map<string, CertificateStatusRow>();

  private readonly issuedBeforeStatement;

  constructor(private readonly db: Database) {
    this.bySerialStatement = db.prepare<[string], Row>('SELECT * FROM certificate_status WHERE serial_number = ?');
    this.issuedBeforeStatement = db.prepare<[string, bigint], Row>(
      'SELECT * FROM certificate_status WHERE holder_ref = ? AND issued_position < ? ORDER BY serial_number',
    );
  }

  bySerial(serialNumber: string): CertificateStatusRow | undefined {
    const cached = this.cache.get(serialNumber);
    if (cached !== undefined) return cached;
    const row = this.bySerialStatement.get(serialNumber);
    if (row === undefined) return undefined;
    const record = toRecord(row);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(serialNumber, record);
    return record;
  }

  /** Drops cached records the folded events change (the runner calls this after each batch). */
  forget(events: readonly FoldedEvent[]): void {
    for (const serial of serialsChangedBy(events)) this.cache.delete(serial);
  }

  /** Drops everything (after a rebuild). */
  forgetAll(): void {
    this.cache.clear();
  }

  /** Certificates of one CA whose record changed after `position`, and the position they bring it to. */
  changedSince(position: bigint, issuerKeyId: string): { readonly rows: CertificateStatusRow[]; readonly position: bigint } {
    const rows = prepared<[bigint, string], Row & { at: string }>(this.db,
        'SELECT *, CAST(position AS TEXT) AS at FROM certificate_status WHERE position > ? AND issuer_key_id = ? ORDER BY position',
      )
      .all(position, issuerKeyId);
    const last = rows[rows.length - 1];
    return { rows: rows.map(toRecord), position: last === undefined ? position : BigInt(last.at) };
  }

  /** Certificates that are (or will be) on a CRL of this CA — revoked or held, a lifted hold included (for the delta's removeFromCRL) — in one municipality or all. */
  listed(issuerKeyId: string, municipalityCode?: string): CertificateStatusRow[] {
    const where = 'issuer_key_id = ? AND (revoked_at IS NOT NULL OR hold_placed_at IS NOT NULL)';
    const rows =
      municipalityCode === undefined
        ? prepared<[string], Row>(this.db, `SELECT * FROM certificate_status WHERE ${where} ORDER BY serial_number`).all(issuerKeyId)
        : prepared<[string, string], Row>(this.db, `SELECT * FROM certificate_status WHERE ${where} AND municipality = ? ORDER BY serial_number`).all(issuerKeyId, municipalityCode);
    return rows.map(toRecord);
  }

  /** The municipalities this CA has issued to: one CRL partition each. */
  municipalities(issuerKeyId: string): string[] {
    // One index seek per municipality (a skip scan), not a pass over every certificate of the CA.
    return prepared<[{ issuer: string }], { municipality: string }>(this.db,
        `WITH RECURSIVE next (municipality) AS (
           SELECT MIN(municipality) FROM certificate_status WHERE issuer_key_id = @issuer
           UNION ALL
           SELECT (SELECT MIN(municipality) FROM certificate_status WHERE issuer_key_id = @issuer AND municipality > next.municipality) FROM next WHERE next.municipality IS NOT NULL
         )
         SELECT municipality FROM next WHERE municipality IS NOT NULL`,
      )
      .all({ issuer: issuerKeyId })
      .map((r) => r.municipality);
  }

  /**
   * Municipalities whose CRL content may have changed since `position` or in the period (from, to]:
   * a hold or revocation folded since, or a recorded revocation taking effect, or a listed
   * certificate expiring, in that period.
   */
  crlChanges(issuerKeyId: string, position: bigint, from: string, to: string): { readonly municipalities: Set<string>; readonly position: bigint } {
    const changed = prepared<[string, bigint], { municipality: string; at: string }>(this.db,
        `SELECT municipality, CAST(position AS TEXT) AS at FROM certificate_status
         WHERE issuer_key_id = ? AND position > ? AND (revoked_at IS NOT NULL OR hold_placed_at IS NOT NULL)`,
      )
      .all(issuerKeyId, position);
    const timed = prepared<[string, string, string, string, string], { municipality: string }>(this.db,
        `SELECT municipality FROM certificate_status WHERE issuer_key_id = ? AND (revoked_at IS NOT NULL OR hold_placed_at IS NOT NULL)
         AND ((effective_at > ? AND effective_at <= ?) OR (not_after > ? AND not_after <= ?))`,
      )
      .all(issuerKeyId, from, to, from, to);
    const latest = changed.reduce((max, row) => (BigInt(row.at) > max ? BigInt(row.at) : max), position);
    return { municipalities: new Set([...changed, ...timed].map((r) => r.municipality)), position: latest };
  }

  /** The issuance register: a holder's certificates, newest first. */
  byHolder(holderRef: string): CertificateStatusRow[] {
    return prepared<[string], Row>(this.db, 'SELECT * FROM certificate_status WHERE holder_ref = ? ORDER BY not_before DESC, serial_number').all(holderRef).map(toRecord);
  }

  /** The issuance register as registry matching reads it: the holder's certificates recorded before a position. */
  certificatesOf(holderRef: string, issuedBefore: bigint): RegisteredCertificate[] {
    return this.issuedBeforeStatement.all(holderRef, issuedBefore).map((row) => ({
      serialNumber: row.serial_number,
      certificateType: row.type,
      notAfter: row.not_after,
      applicationId: row.application_id,
    }));
  }
}
