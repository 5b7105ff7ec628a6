/**
 * Status as of an instant, for auditors: over a scripted history, the as-of answer for every instant
 * equals what the live status route answered at that instant; a revocation learnt later shows with
 * knownAt (bitemporal), never as in effect before it was recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../support/clocks.js';
import { residentCsr } from '../support/resident-csr.js';
import { bearer, testApp, tokenFor, type TestApp } from '../support/test-app.js';

const CLERK = bearer(tokenFor({ role: 'municipal-clerk', municipality: '131016' }));
const OPERATOR = bearer(tokenFor({ role: 'prefectural-operator' }));
const AUDITOR = bearer(tokenFor({ role: 'auditor', organisation: 'audit-office' }));

describe('status as of an instant', () => {
  const clock = fixedClock('2026-03-01T00:00:00.000Z');
  let t: TestApp;
  let code = 61000000000;
  /** What the live route answered: serial → instant → body. */
  const answered: { serial: string; at: string; body: Record<string, unknown> }[] = [];
  const serials: Record<'compromised' | 'emigrating' | 'lost' | 'late', string> = { compromised: '', emigrating: '', lost: '', late: '' };

  const post = (url: string, headers: Record<string, string>, payload?: object) => t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
  const get = (url: string, headers = AUDITOR) => t.app.inject({ method: 'GET', url, headers });

  async function issue(): Promise<string> {
    code += 1;
    const applicant = { residentRecordCode: String(code), name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区' };
    const id = (await post('/v1/applications', CLERK, { certificateType: 'signing', municipalityCode: '131016', applicant })).json().applicationId;
    await post(`/v1/applications/${id}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'passport' });
    await post(`/v1/applications/${id}/public-key`, CLERK, { csr: await residentCsr() });
    const issued = await post(`/v1/applications/${id}/issuance`, OPERATOR);
    expect(issued.statusCode, issued.body).toBe(201);
    return issued.json().serialNumber as string;
  }

  /** Moves the clock, then asks the live route about every serial and keeps the answers (commands are given at other instants: an event recorded at the very instant counts as of it). */
  async function at(instant: string): Promise<void> {
    clock.set(instant);
    await t.ledger.readModels.runner.waitFor(await t.store.headPosition(), 5000);
    for (const serial of Object.values(serials).filter((s) => s !== '')) {
      const res = await get(`/v1/certificates/${serial}/status`, OPERATOR);
      answered.push({ serial, at: instant, body: res.json() });
    }
  }

  beforeAll(async () => {
    t = await testApp({ clock });
    serials.compromised = await issue();
    serials.emigrating = await issue();
    serials.lost = await issue();
    await at('2026-03-02T00:00:00.000Z');
    clock.set('2026-03-02T06:00:00.000Z');
    await post(`/v1/certificates/${serials.emigrating}/revocation`, OPERATOR, { reason: 'affiliationChanged', legalGround: 'registry-change', effectiveAt: '2026-03-10T00:00:00Z' });
    await at('2026-03-03T05:03:00.000Z');
    clock.set('2026-03-03T06:00:00.000Z');
    await post(`/v1/certificates/${serials.lost}/hold`, OPERATOR, { reportedBy: 'call-centre' });
    await at('2026-03-04T00:00:00.000Z');
    // Learnt on 5 March: the key was compromised since 2 March.
    clock.set('2026-03-05T00:00:00.000Z');
    await post(`/v1/certificates/${serials.compromised}/revocation`, OPERATOR, { reason: 'keyCompromise', legalGround: 'key-compromise', invalidityDate: '2026-03-02T00:00:00Z' });
    await at('2026-03-05T00:00:01.000Z');
    serials.late = await issue();
    await at('2026-03-06T00:00:00.000Z');
    await at('2026-03-10T00:00:00.000Z');
    await at('2026-03-11T00:00:00.000Z');
    await t.ledger.readModels.runner.waitFor(await t.store.headPosition(), 5000);
  }, 60_000);
  afterAll(() => t.close());

  it('answers, for every instant, exactly what the live status said at that instant', async () => {
    expect(answered.length).toBeGreaterThan(20);
    for (const { serial, at: instant, body } of answered) {
      const res = await get(`/v1/certificates/${serial}/status?asOf=${instant}`);
      expect(res.statusCode, res.body).toBe(200);
      const { position: _live, type, ...live } = body;
      const { position: _asOf, asOf, knownAt, certificateType, ...then } = res.json();
      expect([asOf, knownAt]).toEqual([instant, instant]);
      if (live.status !== 'unknown') expect(certificateType).toBe(type);
      expect(then, `${serial} at ${instant}`).toEqual(live);
    }
  });

  it('says unknown before the issuance was recorded, though the validity starts at midnight JST', async () => {
    const before = (await get(`/v1/certificates/${serials.late}/status?asOf=2026-03-05T00:00:00.500Z`)).json();
    expect(before.status).toBe('unknown');
    expect((await get(`/v1/certificates/${serials.late}/status?asOf=2026-03-05T00:00:01.000Z`)).json().status).toBe('good');
  });

  it('shows, known later, a revocation learnt after the instant — with its invalidity date — without putting it in effect', async () => {
    const then = (await get(`/v1/certificates/${serials.compromised}/status?asOf=2026-03-03T00:00:00Z`)).json();
    expect(then).toMatchObject({ status: 'good' });
    expect(then.revocationRecordedLater).toBeUndefined();
    const knownLater = (await get(`/v1/certificates/${serials.compromised}/status?asOf=2026-03-03T00:00:00Z&knownAt=2026-03-06T00:00:00Z`)).json();
    expect(knownLater).toMatchObject({
      status: 'good',
      asOf: '2026-03-03T00:00:00.000Z',
      knownAt: '2026-03-06T00:00:00.000Z',
      revocationRecordedLater: { reason: 'keyCompromise', revokedAt: '2026-03-05T00:00:00.000Z', effectiveAt: '2026-03-05T00:00:00.000Z', invalidityDate: '2026-03-02T00:00:00.000Z' },
    });
    expect(knownLater.scheduledRevocation).toBeUndefined();
  });

  it('refuses other roles and bad instants, naming the field', async () => {
    const clerk = await get(`/v1/certificates/${serials.lost}/status?asOf=2026-03-03T00:00:00Z`, CLERK);
    expect(clerk.statusCode).toBe(403);
    expect(clerk.json().type).toBe('urn:jpki-ledger:problem:as-of-for-auditors');
    const cases: [string, number, string][] = [
      ['asOf=yesterday', 400, 'query.asOf'],
      ['asOf=2026-03-04T00:00:00Z&knownAt=2026-03-03T00:00:00Z', 422, 'query.knownAt'],
      ['asOf=2099-01-01T00:00:00Z', 422, 'query.asOf'],
      ['knownAt=2026-03-03T00:00:00Z', 422, 'query.knownAt'],
    ];
    for (const [query, status, field] of cases) {
      const res = await get(`/v1/certificates/${serials.lost}/status?${query}`);
      expect(res.statusCode, query).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors[0].field, query).toBe(field);
    }
  });
});
