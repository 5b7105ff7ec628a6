/** GET /v1/certificates/{serial}/status: from the read model, at the ledger's clock, saying how fresh it is. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../support/clocks.js';
import { residentCsr } from '../support/resident-csr.js';
import { bearer, testApp, tokenFor, type TestApp } from '../support/test-app.js';

const CLERK = bearer(tokenFor({ role: 'municipal-clerk', municipality: '131016' }));
const OTHER_CLERK = bearer(tokenFor({ role: 'municipal-clerk', municipality: '271004' }));
const OPERATOR = bearer(tokenFor({ role: 'prefectural-operator' }));

describe('certificate status', () => {
  const clock = fixedClock('2026-11-25T01:00:00.000Z');
  let t: TestApp;
  let code = 60000000000;
  beforeAll(async () => {
    t = await testApp({ clock });
  });
  afterAll(() => t.close());

  const post = (url: string, headers: Record<string, string>, payload?: object) => t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
  const status = (serial: string, minPosition?: string, headers = OPERATOR) =>
    t.app.inject({ method: 'GET', url: `/v1/certificates/${serial}/status${minPosition === undefined ? '' : `?minPosition=${minPosition}`}`, headers });

  async function issue(): Promise<{ serialNumber: string; position: string; notAfter: string }> {
    code += 1;
    const applicant = { residentRecordCode: String(code), name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区' };
    const id = (await post('/v1/applications', CLERK, { certificateType: 'signing', municipalityCode: '131016', applicant })).json().applicationId;
    await post(`/v1/applications/${id}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'passport' });
    await post(`/v1/applications/${id}/public-key`, CLERK, { csr: await residentCsr() });
    return (await post(`/v1/applications/${id}/issuance`, OPERATOR)).json();
  }

  it('reads its own writes: good once issued, with the position it reflects, and no personal information', async () => {
    const cert = await issue();
    const res = await status(cert.serialNumber, cert.position);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ serialNumber: cert.serialNumber, type: 'signing', status: 'good', notAfter: cert.notAfter, position: expect.stringMatching(/^\d+$/) });
    expect(BigInt(body.position)).toBeGreaterThanOrEqual(BigInt(cert.position));
    expect(res.body).not.toMatch(/山田|holderRef|residentRecordCode/);
  });

  it('follows hold and revocation, with the RFC 5280 reason and both instants', async () => {
    const cert = await issue();
    const held = await post(`/v1/certificates/${cert.serialNumber}/hold`, OPERATOR, { reportedBy: 'call-centre' });
    expect((await status(cert.serialNumber, held.json().position)).json()).toMatchObject({ status: 'on-hold', reason: 'certificateHold' });
    const revoked = await post(`/v1/certificates/${cert.serialNumber}/revocation`, OPERATOR, { reason: 'keyCompromise', legalGround: 'key-compromise', invalidityDate: '2026-11-20T00:00:00Z' });
    expect((await status(cert.serialNumber, revoked.json().position)).json()).toMatchObject({
      status: 'revoked',
      reason: 'keyCompromise',
      revokedAt: '2026-11-25T01:00:00.000Z',
      effectiveAt: '2026-11-25T01:00:00.000Z',
      invalidityDate: '2026-11-20T00:00:00.000Z',
    });
  });

  it('keeps a future-dated revocation good until its instant, then revoked; expired after notAfter', async () => {
    const cert = await issue();
    const revoked = await post(`/v1/certificates/${cert.serialNumber}/revocation`, OPERATOR, { reason: 'affiliationChanged', legalGround: 'registry-change', effectiveAt: '2027-03-31T15:00:00Z' });
    expect((await status(cert.serialNumber, revoked.json().position)).json()).toMatchObject({
      status: 'good',
      scheduledRevocation: { reason: 'affiliationChanged', effectiveAt: '2027-03-31T15:00:00.000Z' },
    });
    clock.set('2027-03-31T15:00:00.000Z');
    expect((await status(cert.serialNumber)).json()).toMatchObject({ status: 'revoked', reason: 'affiliationChanged' });
    clock.set('2031-06-16T00:00:00.000Z');
    expect((await status(cert.serialNumber)).json()).toMatchObject({ status: 'expired' });
    clock.set('2026-11-25T01:00:00.000Z');
  });

  it('answers unknown for a serial this ledger never issued', async () => {
    expect((await status('0123456789ABCDEF')).json()).toEqual({ serialNumber: '0123456789ABCDEF', status: 'unknown', position: expect.any(String) });
  });

  it('lets a clerk ask only about their own municipality', async () => {
    const cert = await issue();
    expect((await status(cert.serialNumber, cert.position, CLERK)).statusCode).toBe(200);
    expect((await status(cert.serialNumber, cert.position, OTHER_CLERK)).statusCode).toBe(403);
  });

  it('answers 503 when the read model has not reached minPosition within the wait, and 400 for a malformed one', async () => {
    const res = await status('0A', '999999999');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ rule: 'not-yet-consistent' });
    expect((await status('0A', 'soon')).json().errors[0].field).toBe('query.minPosition');
  });
});
