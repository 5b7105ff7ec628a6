import { describe, expect, it } from 'vitest';
import type { RegistryChangeReceivedData } from '../../../domain/registry/events.js';
import { issuedWithStaleData, planFor, type Candidate } from '../../../domain/registry/matching.js';

const now = new Date('2027-01-10T01:00:00.000Z');
const before = { name: '山田 太郎', dateOfBirth: '1990-06-15', sex: 'male' as const, address: '東京都千代田区千代田１－１' };
const after = { ...before, address: '大阪府大阪市北区梅田１－１' };
const notice = (overrides: Partial<RegistryChangeReceivedData> = {}): RegistryChangeReceivedData => ({
  noticeId: 'N-1',
  holderRef: 'a'.repeat(64),
  municipalityCode: '131016',
  kind: 'address',
  minor: false,
  effectiveDate: '2027-01-09',
  receivedAt: now.toISOString(),
  personal: { residentRecordCode: '12345678901', before, after },
  ...overrides,
});
const signing: Candidate = { serialNumber: '0A', certificateType: 'signing', notAfter: '2031-06-15T14:59:59.000Z', items: before };
const auth: Candidate = { serialNumber: '0B', certificateType: 'user-authentication', notAfter: '2031-06-15T14:59:59.000Z' };
const outcomes = (plan: ReturnType<typeof planFor>) => plan.certificates.map((c) => [c.serialNumber, c.action.kind === 'revoke' ? `revoke ${c.action.reason}` : c.action.outcome]);

describe('matching a registry change to the holder’s certificates', () => {
  it.each(['name', 'alias', 'address', 'date-of-birth', 'sex'] as const)('a %s change revokes the signing certificate only (affiliationChanged)', (kind) => {
    const plan = planFor(notice({ kind }), [signing, auth], now);
    expect(plan.rule).toBe('four-item-change');
    expect(outcomes(plan)).toEqual([
      ['0A', 'revoke affiliationChanged'],
      ['0B', 'not-affected'],
    ]);
  });

  it('a removal revokes both (cessationOfOperation)', () => {
    const plan = planFor(notice({ kind: 'removal', removalCause: 'death', personal: { residentRecordCode: '12345678901', before, after: null } }), [signing, auth], now);
    expect(outcomes(plan)).toEqual([
      ['0A', 'revoke cessationOfOperation'],
      ['0B', 'revoke cessationOfOperation'],
    ]);
  });

  it('emigration with continued use revokes the signing certificate as of 00:00 JST on the departure date, and leaves the other', () => {
    const plan = planFor(notice({ kind: 'emigration-continued-use', departureDate: '2027-03-31' }), [signing, auth], now);
    expect(plan.certificates[0]?.action).toEqual({ kind: 'revoke', reason: 'affiliationChanged', effectiveAt: new Date('2027-03-30T15:00:00.000Z') });
    expect(plan.certificates[1]?.action).toEqual({ kind: 'none', outcome: 'not-affected' });
  });

  it('a departure already past takes effect now (never backdated)', () => {
    const plan = planFor(notice({ kind: 'emigration-continued-use', departureDate: '2026-12-01' }), [signing], now);
    expect(plan.certificates[0]?.action).toMatchObject({ kind: 'revoke', effectiveAt: now });
  });

  it('a minor correction revokes nothing', () => {
    expect(outcomes(planFor(notice({ minor: true }), [signing, auth], now))).toEqual([
      ['0A', 'minor-correction'],
      ['0B', 'minor-correction'],
    ]);
  });

  it('leaves an expired certificate alone', () => {
    expect(outcomes(planFor(notice(), [{ ...signing, notAfter: '2027-01-01T00:00:00.000Z' }], now))).toEqual([['0A', 'expired']]);
  });

  it('does nothing to a signing certificate that already carries the new facts, and flags one that carries neither', () => {
    expect(outcomes(planFor(notice(), [{ ...signing, items: after }], now))).toEqual([['0A', 'up-to-date']]);
    expect(outcomes(planFor(notice(), [{ ...signing, items: { ...before, name: '山田 花子' } }], now))).toEqual([['0A', 'discrepancy']]);
  });

  it('compares names and addresses as registered, spacing aside', () => {
    expect(outcomes(planFor(notice(), [{ ...signing, items: { ...before, name: '山田　太郎', address: '東京都千代田区 千代田１－１' } }], now))).toEqual([
      ['0A', 'revoke affiliationChanged'],
    ]);
  });

  it('recognises a certificate issued after the notice with the facts it changed', () => {
    expect(issuedWithStaleData(notice(), 'signing', before)).toBe(true);
    expect(issuedWithStaleData(notice(), 'signing', after)).toBe(false);
    expect(issuedWithStaleData(notice(), 'user-authentication', undefined)).toBe(false);
    expect(issuedWithStaleData(notice({ minor: true }), 'signing', before)).toBe(false);
  });
});
