/**
 * A ledger with many issued certificates, written straight into the embedded store (applications,
 * certificates, holder records), for tests and benchmarks that need far more certificates than the
 * HTTP lifecycle issues in reasonable time. The events are the ones the lifecycle writes; only the
 * certificate DER is a placeholder.
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../domain/ports/event-store.js';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { hmacHolderRefs } from '../../infrastructure/ids/id-source.js';
import { systemClock } from './clocks.js';

export const SEED_HOLDER_REF_KEY = 'seed-holder-ref-key-of-at-least-32-characters';

export interface SeededHolder {
  readonly residentRecordCode: string;
  readonly name: string;
  readonly dateOfBirth: string;
  readonly sex: 'male' | 'female';
  readonly address: string;
  readonly signing: string;
  readonly auth: string;
}

const actor = { id: 'seed', role: 'municipal-clerk', organisation: 'seed' };

function event(type: string, data: object): NewEvent {
  const id = randomUUID();
  return { id, type, schemaVersion: 1, data: data as NewEvent['data'], metadata: { actor, correlationId: id, causationId: id } };
}

/** `count` holders, each with a signing and (unless `signingOnly`) a user-authentication certificate. */
export async function seedLedger(file: string, count: number, options: { firstCode?: number; signingOnly?: boolean } = {}): Promise<SeededHolder[]> {
  const firstCode = options.firstCode ?? 30000000000;
  const types = options.signingOnly === true ? (['signing'] as const) : (['signing', 'user-authentication'] as const);
  const store = new SqliteEventStore({ file, clock: systemClock, synchronous: 'NORMAL' });
  const holderRefs = hmacHolderRefs(SEED_HOLDER_REF_KEY);
  const holders: SeededHolder[] = [];
  const at = '2026-11-01T01:00:00.000Z';
  try {
    for (let i = 0; i < count; i++) {
      const residentRecordCode = String(firstCode + i);
      const holderRef = holderRefs.of(residentRecordCode);
      const person = { name: `山田 太郎${i % 10}`, dateOfBirth: '1980-06-15', sex: (i % 2 === 0 ? 'male' : 'female') as 'male' | 'female', address: `東京都千代田区千代田${i}` };
      const serials = [0, 1].map((n) => (0x4000000000000000n + BigInt(i * 2 + n)).toString(16).toUpperCase());
      for (const [n, certificateType] of types.entries()) {
        const applicationId = randomUUID();
        const serialNumber = serials[n] as string;
        await store.append(
          `application-${applicationId}`,
          [
            event('ApplicationSubmitted', {
              applicationId,
              certificateType,
              municipalityCode: '131016',
              holderRef,
              submittedAt: at,
              personal: { residentRecordCode, ...person, nameKana: 'ヤマダ タロウ' },
            }),
          ],
          { expectedRevision: 'no_stream' },
        );
        await store.append(
          `certificate-${serialNumber}`,
          [
            event('CertificateIssued', {
              serialNumber,
              applicationId,
              certificateType,
              municipalityCode: '131016',
              holderRef,
              issuerKeyId: 'c'.repeat(64),
              tbsSha256: 'd'.repeat(64),
              notBefore: '2026-10-31T15:00:00.000Z',
              notAfter: '2031-06-15T14:59:59.000Z',
              issuedAt: at,
              personal: { certificate: 'MIIB' },
            }),
          ],
          { expectedRevision: 'no_stream' },
        );
        await store.append(`holder-${holderRef}`, [event('HolderCertificateAssigned', { holderRef, certificateType, serialNumber, assignedAt: at })], {
          expectedRevision: 'any',
        });
      }
      holders.push({ residentRecordCode, ...person, signing: serials[0] as string, auth: serials[1] as string });
    }
  } finally {
    await store.close();
  }
  return holders;
}

/** A realistic mix of notices for the seeded holders: 70% address, 10% name, 5% death, 5% emigration, 10% minor. */
export function noticeFeed(holders: readonly SeededHolder[], prefix: string): object[] {
  return holders.map((h, i) => {
    const before = { name: h.name, dateOfBirth: h.dateOfBirth, sex: h.sex, address: h.address };
    const slot = i % 20;
    const base = { noticeId: `${prefix}-${i}`, residentRecordCode: h.residentRecordCode, municipalityCode: '131016', before, minor: false, effectiveDate: '2026-11-20' };
    if (slot < 14) return { ...base, kind: 'address', after: { ...before, address: `大阪府大阪市北区${i}` } };
    if (slot < 16) return { ...base, kind: 'name', after: { ...before, name: '佐藤 太郎' } };
    if (slot === 16) return { ...base, kind: 'removal', removalCause: 'death', after: null };
    if (slot === 17) return { ...base, kind: 'removal', removalCause: 'emigration', after: null };
    return { ...base, kind: 'address', minor: true, after: { ...before, address: `${h.address}番地` } };
  });
}
