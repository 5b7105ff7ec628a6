/**
 * The temporal read model behind status-as-of queries: every fact about a certificate (issued, held,
 * revoked), with the instant the ledger recorded it and the instants it speaks of, one row each and
 * never updated. A status as of T, known at T2, is one indexed lookup of a serial's facts recorded by
 * T2 and the pure rule `statusAsOf`, however long the log. No personal information.
 */
import type { Database } from 'better-sqlite3';
import type { CertificateIssuedData, CertificateRevokedData } from '../../domain/certificate/events.js';
import type { TimelineFact } from '../../domain/certificate/status-as-of.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { prepared } from '../prepared.js';
import type { Projection } from '../projection.js';

const DDL = `
CREATE TABLE IF NOT EXISTS certificate_timeline (
  serial_number TEXT NOT NULL,
  position      INTEGER NOT NULL,
  recorded_at   TEXT NOT NULL,
  fact          TEXT NOT NULL,
  PRIMARY KEY (serial_number, position)
) WITHOUT ROWID;
`;

const INSERT = 'INSERT INTO certificate_timeline (serial_number, position, recorded_at, fact) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING';

function factOf(event: RecordedEvent): { serialNumber: string; fact: TimelineFact } | undefined {
  const recordedAt = event.metadata.recordedAt;
  switch (event.type) {
    case 'CertificateIssued': {
      const d = event.data as unknown as CertificateIssuedData;
      return { serialNumber: d.serialNumber, fact: { kind: 'issued', recordedAt, certificateType: d.certificateType, notAfter: d.notAfter } };
    }
    case 'CertificateHoldPlaced': {
      const d = event.data as { serialNumber: string; placedAt: string };
      return { serialNumber: d.serialNumber, fact: { kind: 'held', recordedAt, placedAt: d.placedAt } };
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
  version: 1,
  handles: new Set(['CertificateIssued', 'CertificateHoldPlaced', 'CertificateRevoked']),
  init: (db) => db.exec(DDL),
  reset: (db) => db.exec('DROP TABLE IF EXISTS certificate_timeline'),
  apply(db: Database, event: RecordedEvent) {
    const found = factOf(event);
    if (found !== undefined) prepared(db, INSERT).run(found.serialNumber, event.position, found.fact.recordedAt, JSON.stringify(found.fact));
  },
};

export class CertificateTimeline {
  constructor(private readonly db: Database) {}

  /** The serial's facts recorded by `knownAt`, in log order. */
  factsOf(serialNumber: string, knownAt: Date): TimelineFact[] {
    const rows = prepared(this.db, 'SELECT fact FROM certificate_timeline WHERE serial_number = ? AND recorded_at <= ? ORDER BY position').all(
      serialNumber,
      knownAt.toISOString(),
    ) as { fact: string }[];
    return rows.map((r) => JSON.parse(r.fact) as TimelineFact);
  }
}
