import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { systemClock } from './clocks.js';

const actor = { id: 'clerk-1', role: 'municipal-clerk', organisation: 'chiyoda' };

/** Writes `count` lifecycle events straight into an embedded store: certificates with 3 events each (issued, delivered, then revoked or held). */
export async function certificateLog(file: string, count: number): Promise<number> {
  const store = new SqliteEventStore({ file, clock: systemClock, synchronous: 'NORMAL' });
  let written = 0;
  for (let i = 0; written < count; i++) {
    const serialNumber = (0x10000000 + i).toString(16).toUpperCase();
    const at = '2026-11-25T01:00:00.000Z';
    const events = [
      {
        type: 'CertificateIssued',
        data: {
          serialNumber, applicationId: '3f1c2b9e-7a4d-4c1e-9b2a-5d6e7f8a9b0c', certificateType: i % 2 === 0 ? 'signing' : 'user-authentication',
          municipalityCode: String(131016 + (i % 40)), holderRef: (i % 50_000).toString(16).padStart(64, '0'), issuerKeyId: 'c'.repeat(64),
          tbsSha256: 'd'.repeat(64), notBefore: '2026-11-24T15:00:00.000Z', notAfter: '2031-06-15T14:59:59.000Z', issuedAt: at, personal: { certificate: 'MIIB' },
        },
      },
      { type: 'CertificateDelivered', data: { serialNumber, deliveredAt: at } },
      i % 3 === 0
        ? { type: 'CertificateHoldPlaced', data: { serialNumber, reportedBy: 'call-centre', placedAt: at } }
        : { type: 'CertificateRevoked', data: { serialNumber, reason: 'keyCompromise', legalGround: 'key-compromise', revokedAt: at, effectiveAt: at } },
    ].slice(0, Math.min(3, count - written));
    await store.append(
      `certificate-${serialNumber}`,
      events.map((e, n) => ({ id: `00000000-0000-4000-8000-${(written + n).toString(16).padStart(12, '0')}`, schemaVersion: 1, metadata: { actor, correlationId: 'c', causationId: 'c' }, ...e })),
      { expectedRevision: 'no_stream' },
    );
    written += events.length;
  }
  await store.close();
  return written;
}

