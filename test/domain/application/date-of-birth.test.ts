/**
 * A date of birth must be one a resident can have: not before 1868-01-25 (Meiji 1, the first date
 * the era digit of the certificate's date of birth can encode) and not after today in Japan (JST,
 * from the command's `now`). Refused in the decider, naming the field.
 */
import { describe, expect, it } from 'vitest';
import { applicationDecider } from '../../../domain/application/decider.js';
import type { ApplicationCommand } from '../../../domain/application/decide.js';
import { inconsistency, type NoticeInput } from '../../../domain/registry/services.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(applicationDecider);
/** 10:00 JST on 25 November 2026. */
const now = new Date('2026-11-25T01:00:00.000Z');
const personal = {
  residentRecordCode: '12345678901',
  name: '山田 太郎',
  nameKana: 'ヤマダ タロウ',
  dateOfBirth: '1990-06-15',
  sex: 'male' as const,
  address: '東京都千代田区千代田１－１',
};
const submit = (dateOfBirth: string, certificateType: 'signing' | 'user-authentication' = 'user-authentication', at = now): ApplicationCommand => ({
  type: 'SubmitApplication',
  applicationId: '3f1c2b9e-7a4d-4c1e-9b2a-5d6e7f8a9b0c',
  certificateType,
  municipalityCode: '131016',
  holderRef: 'a'.repeat(64),
  personal: { ...personal, dateOfBirth },
  now: at,
});

describe('an applicant’s date of birth', () => {
  it.each([
    ['0001-01-01', 'user-authentication'],
    ['1868-01-24', 'user-authentication'],
    ['9999-12-31', 'user-authentication'],
    ['2026-11-26', 'user-authentication'],
    ['0001-01-01', 'signing'],
    ['9999-12-31', 'signing'],
  ] as const)('refuses %s (%s), naming the field', (dateOfBirth, type) => {
    const error = spec.given([]).when(submit(dateOfBirth, type)).thenFails('PolicyViolation', 'date-of-birth-out-of-range');
    expect(error).toMatchObject({ field: 'applicant.dateOfBirth' });
    expect(error.detail).not.toContain(dateOfBirth);
  });

  it.each(['1868-01-25', '2026-11-25', '1990-06-15'])('accepts %s', (dateOfBirth) => {
    const result = applicationDecider.decide(submit(dateOfBirth), applicationDecider.initialState());
    expect(result).toMatchObject({ _tag: 'Right' });
  });

  it('takes today in Japan, not in UTC', () => {
    // 00:30 JST on 26 November is still the 25th in UTC.
    const justAfterMidnightJst = new Date('2026-11-25T15:30:00.000Z');
    expect(applicationDecider.decide(submit('2026-11-26', 'user-authentication', justAfterMidnightJst), applicationDecider.initialState())).toMatchObject({ _tag: 'Right' });
  });
});

describe('a registry notice’s dates of birth', () => {
  const items = { name: '山田 太郎', dateOfBirth: '1980-06-15', sex: 'male' as const, address: '東京都千代田区' };
  const notice = (before: Partial<typeof items>, after: Partial<typeof items>): NoticeInput => ({
    noticeId: 'N-1',
    residentRecordCode: '12345678901',
    municipalityCode: '131016',
    kind: 'address',
    before: { ...items, ...before },
    after: { ...items, address: '大阪府', ...after },
    minor: false,
    effectiveDate: '2026-11-20',
  });

  it('refuses the same impossible range in before and after, naming the field', () => {
    expect(inconsistency(notice({ dateOfBirth: '0001-01-01' }, {}), now)).toMatchObject({ rule: 'date-of-birth-out-of-range', field: 'before.dateOfBirth' });
    expect(inconsistency(notice({}, { dateOfBirth: '9999-12-31' }), now)).toMatchObject({ rule: 'date-of-birth-out-of-range', field: 'after.dateOfBirth' });
  });

  it('accepts plausible dates', () => {
    expect(inconsistency(notice({ dateOfBirth: '1868-01-25' }, { dateOfBirth: '2026-11-25' }), now)).toBeUndefined();
  });
});
