import { describe, expect, it } from 'vitest';
import { statusAt, type StatusRecord } from '../../../domain/certificate/status.js';

const record: StatusRecord = { serialNumber: '0A', certificateType: 'signing', notAfter: '2031-06-15T14:59:59.000Z' };
const at = (iso: string) => new Date(iso);

describe('status at an instant', () => {
  it('is good while valid and unrevoked, expired after notAfter', () => {
    expect(statusAt(record, at('2031-06-15T14:59:59.000Z'))).toEqual({ status: 'good' });
    expect(statusAt(record, at('2031-06-15T14:59:59.001Z'))).toEqual({ status: 'expired' });
  });
  it('is on hold from the hold', () => {
    expect(statusAt({ ...record, holdPlacedAt: '2027-01-01T00:00:00.000Z' }, at('2027-01-01T00:00:00.000Z'))).toEqual({
      status: 'on-hold',
      reason: 'certificateHold',
      revokedAt: '2027-01-01T00:00:00.000Z',
      effectiveAt: '2027-01-01T00:00:00.000Z',
    });
  });
  it('is good again from the instant a hold is lifted', () => {
    const lifted = { ...record, holdPlacedAt: '2027-01-01T00:00:00.000Z', holdLiftedAt: '2027-01-03T00:00:00.000Z' };
    expect(statusAt(lifted, at('2027-01-02T23:59:59.999Z'))).toMatchObject({ status: 'on-hold' });
    expect(statusAt(lifted, at('2027-01-03T00:00:00.000Z'))).toEqual({ status: 'good' });
    expect(statusAt(lifted, at('2026-12-31T00:00:00.000Z'))).toEqual({ status: 'good' });
  });
  it('is revoked from the effective instant, good with the revocation scheduled before it', () => {
    const revocation = { reason: 'affiliationChanged' as const, revokedAt: '2027-01-01T00:00:00.000Z', effectiveAt: '2027-03-31T15:00:00.000Z' };
    const revoked = { ...record, holdPlacedAt: '2026-12-01T00:00:00.000Z', revocation };
    expect(statusAt({ ...record, revocation }, at('2027-03-31T14:59:59.999Z'))).toEqual({ status: 'good', scheduledRevocation: revocation });
    expect(statusAt(revoked, at('2027-03-31T15:00:00.000Z'))).toEqual({ status: 'revoked', ...revocation });
    expect(statusAt(revoked, at('2032-01-01T00:00:00.000Z'))).toEqual({ status: 'expired' });
  });
  it('carries the invalidity date of a revocation', () => {
    const revocation = { reason: 'keyCompromise' as const, revokedAt: '2027-01-02T00:00:00.000Z', effectiveAt: '2027-01-02T00:00:00.000Z', invalidityDate: '2026-12-25T00:00:00.000Z' };
    expect(statusAt({ ...record, revocation }, at('2027-01-03T00:00:00.000Z'))).toMatchObject({ status: 'revoked', invalidityDate: '2026-12-25T00:00:00.000Z' });
  });
});
