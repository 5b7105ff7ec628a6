/** Renewal in the last three months (to the 6th birthday), and withdrawal or rejection before issuance. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../support/clocks.js';
import { residentCsr } from '../support/resident-csr.js';
import { bearer, testApp, tokenFor, type TestApp } from '../support/test-app.js';

const CLERK = bearer(tokenFor({ role: 'municipal-clerk', municipality: '131016' }));
const OPERATOR = bearer(tokenFor({ role: 'prefectural-operator' }));
const holder = { residentRecordCode: '30000000001', name: '佐藤 次郎', nameKana: 'サトウ ジロウ', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区' };

describe('renewal, withdrawal and rejection', () => {
  const clock = fixedClock('2026-11-25T01:00:00.000Z');
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ clock });
  });
  afterAll(() => t.close());

  const post = (url: string, headers: Record<string, string>, payload?: object) => t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });

  async function issue(body: Record<string, unknown>) {
    const submitted = await post('/v1/applications', CLERK, { certificateType: 'signing', municipalityCode: '131016', applicant: holder, ...body });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const id = submitted.json().applicationId;
    await post(`/v1/applications/${id}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'my-number-card' });
    await post(`/v1/applications/${id}/public-key`, CLERK, { csr: await residentCsr() });
    const issued = await post(`/v1/applications/${id}/issuance`, OPERATOR);
    expect(issued.statusCode, issued.body).toBe(201);
    return issued.json() as { serialNumber: string; notAfter: string };
  }

  it('renews only in the last three months, to the 6th birthday, superseding the old certificate', async () => {
    const first = await issue({});
    expect(first.notAfter).toBe('2031-06-15T14:59:59.000Z');

    clock.set('2031-03-01T01:00:00.000Z');
    const early = await post('/v1/applications', CLERK, { certificateType: 'signing', municipalityCode: '131016', applicant: holder, renewalOf: first.serialNumber });
    expect(early.json()).toMatchObject({ status: 422, rule: 'renewal-not-allowed', errors: [{ field: 'body.renewalOf' }] });

    clock.set('2031-04-01T01:00:00.000Z');
    const renewed = await issue({ renewalOf: first.serialNumber.toLowerCase() });
    expect(renewed.notAfter).toBe('2036-06-15T14:59:59.000Z');
    const old = await t.app.inject({ method: 'GET', url: `/v1/certificates/${first.serialNumber}`, headers: OPERATOR });
    expect(old.json()).toMatchObject({ status: 'revoked', revocation: { reason: 'superseded', supersededBy: renewed.serialNumber } });
    const current = await t.app.inject({ method: 'GET', url: `/v1/certificates/${renewed.serialNumber}`, headers: OPERATOR });
    expect(current.json()).toMatchObject({ status: 'issued', renewalOf: first.serialNumber });
  });

  it('refuses to renew a certificate that does not exist', async () => {
    const res = await post('/v1/applications', CLERK, { certificateType: 'signing', municipalityCode: '131016', applicant: holder, renewalOf: 'ABCDEF' });
    expect(res.json()).toMatchObject({ status: 404, rule: 'renewed-certificate-not-found' });
  });

  it('withdraws or rejects an application before issuance, and nothing after', async () => {
    const a = (await post('/v1/applications', CLERK, { certificateType: 'user-authentication', municipalityCode: '131016', applicant: holder })).json().applicationId;
    expect((await post(`/v1/applications/${a}/withdrawal`, CLERK, { reason: 'changed their mind' })).statusCode).toBe(200);
    expect((await post(`/v1/applications/${a}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'passport' })).json().rule).toBe('application-closed');

    const b = (await post('/v1/applications', CLERK, { certificateType: 'user-authentication', municipalityCode: '131016', applicant: holder })).json().applicationId;
    expect((await post(`/v1/applications/${b}/rejection`, CLERK, {})).json().errors[0].field).toBe('body.reason');
    expect((await post(`/v1/applications/${b}/rejection`, CLERK, { reason: 'not on the register' })).statusCode).toBe(200);
    const late = await post(`/v1/applications/${b}/withdrawal`, CLERK);
    expect(late.json()).toMatchObject({ status: 409, rule: 'application-closed' });
  });
});
