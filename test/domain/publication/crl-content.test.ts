import { describe, expect, it } from 'vitest';
import type { StatusRecord } from '../../../domain/certificate/status.js';
import { deltaListings, listingsAt } from '../../../domain/publication/crl-content.js';

const base = { certificateType: 'signing' as const, notAfter: '2031-06-15T14:59:59.000Z' };
const records: StatusRecord[] = [
  { ...base, serialNumber: '01' },
  { ...base, serialNumber: '02', holdPlacedAt: '2027-01-01T00:00:00.000Z' },
  { ...base, serialNumber: '03', revocation: { reason: 'keyCompromise', revokedAt: '2027-01-02T00:00:00.000Z', effectiveAt: '2027-01-02T00:00:00.000Z', invalidityDate: '2026-12-30T00:00:00.000Z' } },
  { ...base, serialNumber: '04', revocation: { reason: 'affiliationChanged', revokedAt: '2027-01-02T00:00:00.000Z', effectiveAt: '2027-03-31T15:00:00.000Z' } },
  { ...base, serialNumber: '05', notAfter: '2027-02-01T00:00:00.000Z', revocation: { reason: 'superseded', revokedAt: '2027-01-02T00:00:00.000Z', effectiveAt: '2027-01-02T00:00:00.000Z' } },
  { ...base, serialNumber: '06', holdPlacedAt: '2027-01-01T00:00:00.000Z', revocation: { reason: 'cessationOfOperation', revokedAt: '2027-01-05T00:00:00.000Z', effectiveAt: '2027-01-05T00:00:00.000Z' } },
];

describe('what a CRL lists at an instant', () => {
  it('lists revoked and held certificates with reason and invalidity date; not the good, the scheduled or the expired', () => {
    expect(listingsAt(records, new Date('2027-01-10T00:00:00.000Z'))).toEqual([
      { serialNumber: '02', revocationDate: '2027-01-01T00:00:00.000Z', reason: 'certificateHold' },
      { serialNumber: '03', revocationDate: '2027-01-02T00:00:00.000Z', reason: 'keyCompromise', invalidityDate: '2026-12-30T00:00:00.000Z' },
      { serialNumber: '05', revocationDate: '2027-01-02T00:00:00.000Z', reason: 'superseded' },
      { serialNumber: '06', revocationDate: '2027-01-05T00:00:00.000Z', reason: 'cessationOfOperation' },
    ]);
    const later = listingsAt(records, new Date('2027-04-01T00:00:00.000Z')).map((l) => l.serialNumber);
    expect(later).toEqual(['02', '03', '04', '06']);
  });

  it('gives a delta of what changed since a base, a hold turned revocation included', () => {
    const delta = deltaListings(records, new Date('2027-01-03T00:00:00.000Z'), new Date('2027-04-01T00:00:00.000Z'));
    expect(delta.map((l) => [l.serialNumber, l.reason])).toEqual([
      ['04', 'affiliationChanged'],
      ['06', 'cessationOfOperation'],
    ]);
  });

  it('lists a hold while it lasts and says removeFromCRL in the delta after it was lifted, unless the certificate expired', () => {
    const lifted: StatusRecord = { ...base, serialNumber: '07', holdPlacedAt: '2027-01-01T00:00:00.000Z', holdLiftedAt: '2027-01-04T00:00:00.000Z' };
    const liftedThenExpired: StatusRecord = { ...lifted, serialNumber: '08', notAfter: '2027-01-20T00:00:00.000Z' };
    const stillHeld: StatusRecord = { ...base, serialNumber: '09', holdPlacedAt: '2027-01-01T00:00:00.000Z' };
    const all = [lifted, liftedThenExpired, stillHeld];
    expect(listingsAt(all, new Date('2027-01-03T00:00:00.000Z')).map((l) => l.serialNumber)).toEqual(['07', '08', '09']);
    expect(listingsAt(all, new Date('2027-01-05T00:00:00.000Z')).map((l) => l.serialNumber)).toEqual(['09']);
    expect(deltaListings(all, new Date('2027-01-03T00:00:00.000Z'), new Date('2027-01-05T00:00:00.000Z'))).toEqual([
      { serialNumber: '07', revocationDate: '2027-01-01T00:00:00.000Z', reason: 'removeFromCRL' },
      { serialNumber: '08', revocationDate: '2027-01-01T00:00:00.000Z', reason: 'removeFromCRL' },
    ]);
    // Past notAfter the entry just drops: nothing to remove.
    expect(deltaListings(all, new Date('2027-01-03T00:00:00.000Z'), new Date('2027-02-01T00:00:00.000Z')).map((l) => l.serialNumber)).toEqual(['07']);
    // A hold lifted before the base was never on it: nothing to say.
    expect(deltaListings(all, new Date('2027-01-04T12:00:00.000Z'), new Date('2027-01-05T00:00:00.000Z'))).toEqual([]);
  });
});
