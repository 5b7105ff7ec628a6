/**
 * Impossible dates of birth (before 1868-01-25, Meiji 1, or after today in Japan) are refused with
 * a 422 naming the field, for applications and for registry notices alike; nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED, clerkOf } from '../support/http-lifecycle.js';
import { testApp, type TestApp } from '../support/test-app.js';

const CLERK = clerkOf('131016');
const PROBLEM = /^application\/problem\+json/;
let residentCode = 60000000000;

describe('impossible dates of birth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  const position = async () => (await t.app.inject({ method: 'GET', url: '/health' })).json().position as string;

  it.each([
    ['9999-12-31', 'user-authentication'],
    ['0001-01-01', 'user-authentication'],
    ['9999-12-31', 'signing'],
    ['0001-01-01', 'signing'],
  ])('refuses an application with %s (%s)', async (dateOfBirth, certificateType) => {
    residentCode += 1;
    const applicant = { residentRecordCode: String(residentCode), name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth, sex: 'male', address: '東京都千代田区' };
    const before = await position();
    const res = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: CLERK, payload: { certificateType, municipalityCode: '131016', applicant } });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.json()).toMatchObject({ type: 'urn:jpki-ledger:problem:date-of-birth-out-of-range', errors: [{ field: 'body.applicant.dateOfBirth' }] });
    expect(res.body).not.toContain(dateOfBirth);
    expect(await position()).toBe(before);
  });

  const notice = (noticeId: string, dateOfBirth: string) => {
    const before = { name: '山田 太郎', dateOfBirth: '1980-06-15', sex: 'male', address: '東京都千代田区' };
    return { noticeId, residentRecordCode: '60000009999', municipalityCode: '131016', kind: 'address', before, after: { ...before, dateOfBirth, address: '大阪府' }, minor: false, effectiveDate: '2026-01-05' };
  };

  it('refuses a registry notice whose after.dateOfBirth is impossible', async () => {
    const before = await position();
    const res = await t.app.inject({ method: 'POST', url: '/v1/registry-changes', headers: FEED, payload: notice('DOB-1', '9999-12-31') });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ type: 'urn:jpki-ledger:problem:date-of-birth-out-of-range', errors: [{ field: 'body.after.dateOfBirth' }] });
    expect(await position()).toBe(before);
  });

  it('rejects such a notice in a batch, and takes the others', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/registry-changes/batch', headers: FEED, payload: [notice('DOB-2', '1980-06-15'), notice('DOB-3', '0001-01-01')] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: 1 });
    expect(res.json().results[1]).toMatchObject({ index: 1, result: 'rejected', reason: 'date-of-birth-out-of-range' });
  });
});
