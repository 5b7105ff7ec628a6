import { describe, expect, it } from 'vitest';
import type { CertificateCommand } from '../../../domain/certificate/decide.js';
import { certificateDecider } from '../../../domain/certificate/decider.js';
import type { CertificateEvent } from '../../../domain/certificate/events.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(certificateDecider);
const now = new Date('2026-11-25T01:00:00.000Z');
const later = new Date('2026-11-26T01:00:00.000Z');
const serialNumber = '7F01020304050607';
const certificate = {
  serialNumber,
  applicationId: '3f1c2b9e-7a4d-4c1e-9b2a-5d6e7f8a9b0c',
  certificateType: 'signing' as const,
  municipalityCode: '131016',
  holderRef: 'a'.repeat(64),
  issuerKeyId: 'c'.repeat(64),
  tbsSha256: 'd'.repeat(64),
  notBefore: '2026-11-24T15:00:00.000Z',
  notAfter: '2031-06-15T14:59:59.000Z',
  personal: { certificate: 'MIIC' },
};
const issued: CertificateEvent = { type: 'CertificateIssued', data: { ...certificate, issuedAt: now.toISOString() } };
const delivered: CertificateEvent = { type: 'CertificateDelivered', data: { serialNumber, deliveredAt: now.toISOString() } };
const held: CertificateEvent = { type: 'CertificateHoldPlaced', data: { serialNumber, reportedBy: 'call-centre', placedAt: now.toISOString() } };
const revoke = (overrides: Partial<Extract<CertificateCommand, { type: 'Revoke' }>> = {}): CertificateCommand => ({
  type: 'Revoke',
  reason: 'keyCompromise',
  legalGround: 'key-compromise',
  now: later,
  ...overrides,
});
const revoked: CertificateEvent = {
  type: 'CertificateRevoked',
  data: { serialNumber, reason: 'keyCompromise', legalGround: 'key-compromise', revokedAt: later.toISOString(), effectiveAt: later.toISOString() },
};

describe('recording an issued certificate', () => {
  it('records it once per serial', () => {
    spec.given([]).when({ type: 'RecordIssuedCertificate', certificate, now }).then([issued]);
    spec.given([issued]).when({ type: 'RecordIssuedCertificate', certificate, now }).thenFails('InvalidTransition', 'certificate-exists');
  });
});

describe('delivery', () => {
  it('is recorded once, and not for a certificate on hold or revoked', () => {
    spec.given([issued]).when({ type: 'RecordDelivery', now }).then([delivered]);
    spec.given([issued, delivered]).when({ type: 'RecordDelivery', now }).thenFails('InvalidTransition', 'already-delivered');
    spec.given([issued, held]).when({ type: 'RecordDelivery', now }).thenFails('InvalidTransition', 'certificate-on-hold');
    spec.given([issued, revoked]).when({ type: 'RecordDelivery', now }).thenFails('InvalidTransition', 'already-revoked');
  });
  it('needs the certificate', () => {
    spec.given([]).when({ type: 'RecordDelivery', now }).thenFails('NotFound', 'certificate-not-found');
  });
});

describe('a lost-card hold', () => {
  it('is placed on an issued or delivered certificate, once', () => {
    spec.given([issued]).when({ type: 'PlaceHold', reportedBy: 'call-centre', now }).then([held]);
    spec.given([issued, delivered]).when({ type: 'PlaceHold', reportedBy: 'call-centre', now }).then([held]);
    spec.given([issued, held]).when({ type: 'PlaceHold', reportedBy: 'holder', now }).thenFails('InvalidTransition', 'already-on-hold');
  });
  it('is lifted only where the policy allows it, and only while it lasts', () => {
    const lift = (liftingAllowed: boolean): CertificateCommand => ({ type: 'LiftHold', cause: 'card-found', liftingAllowed, now: later });
    const lifted: CertificateEvent = { type: 'CertificateHoldLifted', data: { serialNumber, cause: 'card-found', liftedAt: later.toISOString() } };
    spec.given([issued, delivered, held]).when(lift(false)).thenFails('PolicyViolation', 'hold-lifting-disabled');
    spec.given([issued, delivered, held]).when(lift(true)).then([lifted]);
    spec.given([issued, delivered, held, lifted]).when(lift(true)).thenFails('InvalidTransition', 'not-on-hold');
    spec.given([issued, held, revoked]).when(lift(true)).thenFails('InvalidTransition', 'already-revoked');
    spec.given([]).when(lift(true)).thenFails('NotFound', 'certificate-not-found');
    spec.given([issued, held]).when({ type: 'LiftHold', cause: 'report-withdrawn', liftingAllowed: true, now: new Date('2031-06-16T00:00:00.000Z') }).thenFails('PolicyViolation', 'certificate-expired');
    // Lifted, the certificate is as it was: delivered, and may be held again.
    spec.given([issued, delivered, held, lifted]).when({ type: 'RecordDelivery', now: later }).thenFails('InvalidTransition', 'already-delivered');
    spec.given([issued, held, lifted]).when({ type: 'PlaceHold', reportedBy: 'holder', now: later }).then([
      { type: 'CertificateHoldPlaced', data: { serialNumber, reportedBy: 'holder', placedAt: later.toISOString() } },
    ]);
  });
  it('ends in revocation', () => {
    spec.given([issued, delivered, held]).when(revoke({ reason: 'cessationOfOperation', legalGround: 'holder-request' })).then([
      { ...revoked, data: { ...revoked.data, reason: 'cessationOfOperation', legalGround: 'holder-request' } } as CertificateEvent,
    ]);
  });
});

describe('revocation', () => {
  it('revokes an issued or delivered certificate, effective now by default', () => {
    spec.given([issued]).when(revoke()).then([revoked]);
    spec.given([issued, delivered]).when(revoke()).then([revoked]);
  });
  it('answers a second revocation with a conflict naming the first', () => {
    const error = spec.given([issued, revoked]).when(revoke({ reason: 'affiliationChanged', legalGround: 'registry-change' })).thenFails('InvalidTransition', 'already-revoked');
    expect(error).toMatchObject({ conflictsWith: { reason: 'keyCompromise', revokedAt: later.toISOString(), effectiveAt: later.toISOString() } });
    expect(error.detail).toContain('keyCompromise');
  });
  it('records a future-dated revocation now, effective at its instant (emigration with continued use)', () => {
    const departure = new Date('2027-03-31T15:00:00.000Z');
    spec.given([issued, delivered]).when(revoke({ reason: 'affiliationChanged', legalGround: 'registry-change', effectiveAt: departure })).then([
      { ...revoked, data: { ...revoked.data, reason: 'affiliationChanged', legalGround: 'registry-change', effectiveAt: departure.toISOString() } } as CertificateEvent,
    ]);
  });
  it('refuses an effective instant before the revocation is recorded, and a future invalidity date', () => {
    spec.given([issued]).when(revoke({ effectiveAt: now })).thenFails('PolicyViolation', 'effective-at-in-the-past');
    spec.given([issued]).when(revoke({ invalidityDate: new Date('2026-12-01T00:00:00Z') })).thenFails('PolicyViolation', 'invalidity-date-in-the-future');
  });
  it('keeps an invalidity date before the recording', () => {
    const invalidityDate = new Date('2026-11-20T00:00:00.000Z');
    spec.given([issued]).when(revoke({ invalidityDate })).then([{ ...revoked, data: { ...revoked.data, invalidityDate: invalidityDate.toISOString() } } as CertificateEvent]);
  });
  it('uses `unspecified` only for a certificate destroyed before delivery', () => {
    spec.given([issued]).when(revoke({ reason: 'unspecified', legalGround: 'holder-request' })).then([
      { ...revoked, data: { ...revoked.data, reason: 'unspecified', legalGround: 'holder-request' } } as CertificateEvent,
    ]);
    spec.given([issued, delivered]).when(revoke({ reason: 'unspecified', legalGround: 'holder-request' })).thenFails('PolicyViolation', 'unspecified-after-delivery');
  });
  it('records which certificate superseded this one', () => {
    spec.given([issued, delivered]).when(revoke({ reason: 'superseded', legalGround: 'holder-request', supersededBy: '0ABC' })).then([
      { ...revoked, data: { ...revoked.data, reason: 'superseded', legalGround: 'holder-request', supersededBy: '0ABC' } } as CertificateEvent,
    ]);
  });
  it('has nothing to revoke after expiry', () => {
    spec.given([issued]).when(revoke({ now: new Date('2031-06-15T15:00:00Z') })).thenFails('PolicyViolation', 'certificate-expired');
  });
});
