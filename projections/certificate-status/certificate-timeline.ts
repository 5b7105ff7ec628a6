/**
 * The temporal read model behind status-as-of queries and CRL reproduction: every fact about a
 * certificate (issued, held, hold lifted, revoked), with its position in the log, the instant the ledger recorded
 * it and the instants it speaks of, one row each and never updated. A status as of T, known at T2, is
 * one indexed lookup of a serial's facts recorded by T2 and the pure rule `statusAsOf`; what a CRL
 * listed is the facts of the CA's held or revoked certificates up to the position it was computed
 * at — however long the log. No personal information.
 */
import type { Database } from 'better-sqlite3';
import type { CertificateIssuedData, CertificateRevokedData } from '../../domain/certificate/events.js';
import { recordOf, type TimelineFact } from '../../domain/certificate/status-as-of.js';
import type { StatusRecord } from '../../domain/certificate/status.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { prepared } from '../prepared.js';
import type { Projection } from '../projection.js';

const DDL = `
CREATE TABLE IF NOT EXISTS certificate_timeline (
  serial_number TEXT NOT NULL,
  position      INTEGER NOT NULL,
  recorded_at   TEXT NOT NULL,
  kind          TEXT NOT NULL,
  issuer_key_id TEXT NOT NULL,
  municipality  TEXT NOT NULL,
  fact          TEXT NOT NULL,
  PRIMARY KEY (serial_number, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS certificate_timeline_listed ON certificate_timeline (issuer_key_id, position) WHERE kind <> 'issued';
`;

const SQL = {
  insert: `INSERT INTO certificate_timeline (serial_number, position, recorded_at, kind, issuer_key_id, municipality, fact)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  issuedRow: "SELECT issuer_key_id, municipality FROM certificate_timeline WHERE serial_number = ? AND kind = 'issued'",
  factsOf: 'SELECT fact FROM certificate_timeline WHERE serial_number = ? AND recorded_at <= ? ORDER BY position',
  listedUpTo: `SELECT serial_number, fact FROM certificate_timeline
               WHERE serial_number IN (SELECT serial_number FROM certificate_timeline WHERE issuer_key_id = ? AND kind <> 'issued' AND position <= ?)
                 AND position <= ? ORDER BY serial_number, position`,
};

function factOf(event: RecordedEvent): { serialNumber: string; fact: TimelineFact } | undefined {
  const recordedAt = event.metadata.recordedAt;
  switch (event.type) {
    case 'CertificateIssued': {
      const d = event.data as unknown as CertificateIssuedData;
      return {
        serialNumber: d.serialNumber,
        fact: { kind: 'issued', recordedAt, certificateType: d.certificateType, notAfter: d.notAfter, issuerKeyId: d.issuerKeyId, municipalityCode: d.municipalityCode },
      };
    }
    case 'CertificateHoldPlaced': {
      const d = event.data as { serialNumber: string; placedAt: string };
      return { serialNumber: d.serialNumber, fact: { kind: 'held', recordedAt, placedAt: d.placedAt } };
    }
    case 'CertificateHoldLifted': {
      const d = event.data as { serialNumber: string; liftedAt: string };
      return { serialNumber: d.serialNumber, fact: { kind: 'hold-lifted', recordedAt, liftedAt: d.liftedAt } };
    }
    case 'CertificateRevoked': {
      const d = event.data as unknown as CertificateRevokedData;
      return {
        serialNumber: d.serialNumber,
        fact: {
          kind: 'revoked',
          recordedAt,
          reason: d.reason,
          revokedAt: d.revokedAt,
          effectiveAt: d.effectiveAt,
          ...(d.invalidityDate === undefined ? {} : { invalidityDate: d.invalidityDate }),
        },
      };
    }
    default:
      return undefined;
  }
}

export const certificateTimelineProjection: Projection = {
  name: 'certificate-timeline',
  version: 3,
  handles: new Set(['CertificateIssued', 'CertificateHoldPlaced', 'CertificateHoldLifted', 'CertificateRevoked']),
  init: (db) => db.exec(DDL),
  reset: (db) => db.exec('DROP TABLE IF EXISTS certificate_timeline'),
  apply(db: Database, event: RecordedEvent) {
    const found = factOf(event);
    if (found === undefined) return;
    const { serialNumber, fact } = found;
    const where =
      fact.kind === 'issued'
        ? { issuer_key_id: fact.issuerKeyId, municipality: fact.municipalityCode }
        : (prepared(db, SQL.issuedRow).get(serialNumber) as { issuer_key_id: string; municipality: string } | undefined);
    // A hold or revocation of a certificate this ledger never issued cannot be recorded (the decider refuses it).
    if (where === undefined) return;
    prepared(db, SQL.insert).run(serialNumber, event.position, fact.recordedAt, fact.kind, where.issuer_key_id, where.municipality, JSON.stringify(fact));
  },
};

export class CertificateTimeline {
  constructor(private readonly db: Database) {}

  /** The serial's facts recorded by `knownAt`, in log order. */
  factsOf(serialNumber: string, knownAt: Date): TimelineFact[] {
    const rows = prepared(this.db, SQL.factsOf).all(serialNumber, knownAt.toISOString()) as { fact: string }[];
    return rows.map((r) => JSON.parse(r.fact) as TimelineFact);
  }

  /**
   * The CA's certificates that had been held or revoked by `position`, each with its facts up to
   * there, by serial number (the order a CRL lists them in): what the certificate-status read model
   * held when it had folded that far. `municipalityCode` narrows to one partition.
   */
  listedUpTo(issuerKeyId: string, position: bigint, municipalityCode?: string): StatusRecord[] {
    const rows = prepared(this.db, SQL.listedUpTo).all(issuerKeyId, position, position) as { serial_number: string; fact: string }[];
    const bySerial = new Map<string, TimelineFact[]>();
    for (const row of rows) bySerial.set(row.serial_number, [...(bySerial.get(row.serial_number) ?? []), JSON.parse(row.fact) as TimelineFact]);
    const records: StatusRecord[] = [];
    for (const [serialNumber, facts] of bySerial) {
      const issued = facts.find((f) => f.kind === 'issued');
      if (municipalityCode !== undefined && (issued?.kind !== 'issued' || issued.municipalityCode !== municipalityCode)) continue;
      const record = recordOf(serialNumber, facts);
      if (record !== undefined) records.push(record);
    }
    return records;
  }
}
