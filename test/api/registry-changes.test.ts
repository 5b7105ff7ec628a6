/**
 * Registry change notices end to end: received, matched by the reactor against the holder's
 * certificates, revoked by the rules, replied; duplicates, batches, discrepancies and a notice that
 * arrives before the certificate it concerns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../support/event-store-contract.js';
import { residentCsr } from '../support/resident-csr.js';
import { bearer, testApp, tokenFor, type TestApp } from '../support/test-app.js';

const CLERK = bearer(tokenFor({ role: 'municipal-clerk', municipality: '131016' }));
const OPERATOR = bearer(tokenFor({ role: 'prefectural-operator' }));
const FEED = bearer(tokenFor({ role: 'registry-feed', organisation: 'juki-net' }));

interface Person {
  readonly residentRecordCode: string;
  readonly name: string;
  readonly dateOfBirth: string;
  readonly sex: 'male' | 'female' | 'not-applicable';
  readonly address: string;
}

describe('registry change notices', () => {
  let t: TestApp;
  let code = 50000000000;
  let notices = 0;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  const post = (url: string, headers: Record<string, string>, payload?: object | string, contentType?: string) =>
    t.app.inject({ method: 'POST', url, headers: { ...headers, ...(contentType === undefined ? {} : { 'content-type': contentType }) }, ...(payload === undefined ? {} : { payload }) });
  const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });

  function person(overrides: Partial<Person> = {}): Person {
    code += 1;
    return { residentRecordCode: String(code), name: '山田 太郎', dateOfBirth: '1980-06-15', sex: 'male', address: '東京都千代田区千代田１－１', ...overrides };
  }

  async function apply(holder: Person, type: 'signing' | 'user-authentication') {
    const applicant = { ...holder, nameKana: 'ヤマダ タロウ' };
    const id = (await post('/v1/applications', CLERK, { certificateType: type, municipalityCode: '131016', applicant })).json().applicationId as string;
    await post(`/v1/applications/${id}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'passport' });
    await post(`/v1/applications/${id}/public-key`, CLERK, { csr: await residentCsr() });
    return id;
  }
  const issue = async (id: string) => (await post(`/v1/applications/${id}/issuance`, OPERATOR)).json().serialNumber as string;
  const holderWithBoth = async (holder = person()) => ({ holder, signing: await issue(await apply(holder, 'signing')), auth: await issue(await apply(holder, 'user-authentication')) });

  function notice(holder: Person, overrides: Record<string, unknown> = {}) {
    notices += 1;
    const before = { name: holder.name, dateOfBirth: holder.dateOfBirth, sex: holder.sex, address: holder.address };
    return {
      noticeId: `N-${notices}`,
      residentRecordCode: holder.residentRecordCode,
      municipalityCode: '131016',
      kind: 'address',
      before,
      after: { ...before, address: '大阪府大阪市北区梅田１－１' },
      minor: false,
      effectiveDate: '2026-11-20',
      ...overrides,
    };
  }

  /** Posts a notice and waits for the reactor to have replied to it. */
  async function processed(body: Record<string, unknown>) {
    const res = await post('/v1/registry-changes', FEED, body);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.headers.location).toBe(`/v1/registry-changes/${String(body.noticeId)}`);
    expect(await t.ledger.registryReactor.waitFor(BigInt(res.json().position), 10_000)).toBe(true);
    const read = await get(`/v1/registry-changes/${String(body.noticeId)}`, OPERATOR);
    expect(read.statusCode, read.body).toBe(200);
    return read.json();
  }
  const statusOf = async (serial: string) => {
    await t.ledger.readModels.runner.waitFor(await t.store.headPosition(), 5000);
    return (await get(`/v1/certificates/${serial}/status`, OPERATOR)).json();
  };

  it('revokes the signing certificate on an address change and leaves the user-authentication one, caused by the notice', async () => {
    const { holder, signing, auth } = await holderWithBoth();
    const body = notice(holder);
    const result = await processed(body);
    expect(result).toMatchObject({ status: 'revoked', reply: { status: 'revoked', revoked: [signing], flagged: [] } });
    expect(result.revocations).toEqual([expect.objectContaining({ serialNumber: signing, outcome: 'revoked' })]);
    expect(await statusOf(signing)).toMatchObject({ status: 'revoked', reason: 'affiliationChanged' });
    expect((await statusOf(auth)).status).toBe('good');

    const [received] = await collect(t.store.readStream(`registry-change-${body.noticeId}`));
    const revocation = (await collect(t.store.readStream(`certificate-${signing}`))).find((e) => e.type === 'CertificateRevoked');
    expect(revocation?.data).toMatchObject({ legalGround: 'registry-change' });
    expect(revocation?.metadata.causationId).toBe(received?.id);
    expect(revocation?.metadata.correlationId).toBe(received?.metadata.correlationId);
  });

  it('revokes both certificates on removal (death), as cessationOfOperation', async () => {
    const { holder, signing, auth } = await holderWithBoth();
    const result = await processed(notice(holder, { kind: 'removal', removalCause: 'death', after: null }));
    expect(result.reply).toMatchObject({ status: 'revoked', revoked: expect.arrayContaining([signing, auth]) });
    for (const serial of [signing, auth]) expect(await statusOf(serial)).toMatchObject({ status: 'revoked', reason: 'cessationOfOperation' });
  });

  it('schedules the signing certificate’s revocation at the departure date for emigration with continued use', async () => {
    const { holder, signing, auth } = await holderWithBoth();
    const result = await processed(notice(holder, { kind: 'emigration-continued-use', departureDate: '2099-03-31' }));
    expect(result.revocations).toEqual([expect.objectContaining({ serialNumber: signing, outcome: 'revocation-scheduled', effectiveAt: '2099-03-30T15:00:00.000Z' })]);
    expect(await statusOf(signing)).toMatchObject({ status: 'good', scheduledRevocation: { effectiveAt: '2099-03-30T15:00:00.000Z' } });
    expect((await statusOf(auth)).status).toBe('good');
  });

  it('revokes nothing for a minor correction; records unmatched for a holder without certificates', async () => {
    const { holder, signing } = await holderWithBoth();
    expect((await processed(notice(holder, { minor: true }))).reply).toMatchObject({ status: 'nothing-to-revoke', revoked: [] });
    expect((await statusOf(signing)).status).toBe('good');
    expect((await processed(notice(person()))).reply).toMatchObject({ status: 'unmatched' });
  });

  it('leaves the first revocation standing for an already revoked certificate', async () => {
    const { holder, signing } = await holderWithBoth();
    await post(`/v1/certificates/${signing}/revocation`, CLERK, { reason: 'cessationOfOperation', legalGround: 'holder-request' });
    const result = await processed(notice(holder));
    expect(result.reply).toMatchObject({ status: 'nothing-to-revoke' });
    expect(result.history.find((h: { type: string }) => h.type === 'RegistryChangeProcessed').data.certificates).toContainEqual(
      expect.objectContaining({ serialNumber: signing, outcome: 'already-revoked' }),
    );
    expect(await statusOf(signing)).toMatchObject({ reason: 'cessationOfOperation' });
  });

  it('flags, not revokes, a certificate whose four items match neither before nor after, and queues it for operators', async () => {
    const { holder, signing } = await holderWithBoth();
    const body = notice(holder, { before: { name: '山田 次郎', dateOfBirth: holder.dateOfBirth, sex: holder.sex, address: holder.address } });
    const result = await processed(body);
    expect(result.reply).toMatchObject({ status: 'discrepancy', flagged: [signing], revoked: [] });
    expect((await statusOf(signing)).status).toBe('good');
    await t.ledger.readModels.runner.waitFor(await t.store.headPosition(), 5000);
    const queue = await get('/v1/registry-changes?status=discrepancy', OPERATOR);
    expect(queue.json().notices.map((n: { noticeId: string }) => n.noticeId)).toContain(body.noticeId);
    expect(queue.body).not.toContain(holder.name.split(' ')[0]);
  });

  it('flags a certificate issued after the notice with the data it had already changed', async () => {
    const holder = person();
    const application = await apply(holder, 'signing');
    const body = notice(holder);
    expect((await processed(body)).reply).toMatchObject({ status: 'unmatched' });
    const serial = await issue(application);
    expect(await t.ledger.registryReactor.waitFor(await t.store.headPosition(), 10_000)).toBe(true);
    const read = (await get(`/v1/registry-changes/${body.noticeId}`, OPERATOR)).json();
    expect(read.flagged).toEqual([serial]);
    await t.ledger.readModels.runner.waitFor(await t.store.headPosition(), 5000);
    expect((await get('/v1/registry-changes?status=discrepancy', OPERATOR)).json().notices.map((n: { noticeId: string }) => n.noticeId)).toContain(body.noticeId);
  });

  it('acknowledges the same notice again as a duplicate, and refuses a different one under the same id naming the difference', async () => {
    const body = notice(person());
    expect((await post('/v1/registry-changes', FEED, body)).statusCode).toBe(202);
    const again = await post('/v1/registry-changes', FEED, body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ noticeId: body.noticeId, status: 'duplicate' });
    const differing = await post('/v1/registry-changes', FEED, { ...body, kind: 'name', effectiveDate: '2026-11-21' });
    expect(differing.statusCode).toBe(409);
    expect(differing.json()).toMatchObject({ rule: 'notice-differs', conflictsWith: { fields: ['kind', 'effectiveDate'] } });
  });

  it('refuses an inconsistent notice naming the field, and a malformed one with 400', async () => {
    const inconsistent = await post('/v1/registry-changes', FEED, notice(person(), { kind: 'removal' }));
    expect(inconsistent.json()).toMatchObject({ status: 422, rule: 'notice-inconsistent', errors: [{ field: 'body.after' }] });
    const malformed = await post('/v1/registry-changes', FEED, notice(person(), { residentRecordCode: 'abc' }));
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].field).toBe('body.residentRecordCode');
  });

  it('takes a batch as JSON or NDJSON, judging each notice on its own', async () => {
    const { holder, signing } = await holderWithBoth();
    const good = notice(holder);
    const duplicate = notice(person());
    await post('/v1/registry-changes', FEED, duplicate);
    const bad = { ...notice(person()), kind: 'marriage' };
    const json = await post('/v1/registry-changes/batch', FEED, [good, bad, duplicate]);
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1 });
    expect(json.json().results[1]).toMatchObject({ index: 1, result: 'rejected', reason: 'invalid-notice', errors: [{ field: 'kind' }] });

    const more = [notice(person()), notice(person())];
    const ndjson = await post('/v1/registry-changes/batch', FEED, more.map((n) => JSON.stringify(n)).join('\n'), 'application/x-ndjson');
    expect(ndjson.json()).toMatchObject({ accepted: 2, duplicates: 0, rejected: 0 });

    expect(await t.ledger.registryReactor.waitFor(await t.store.headPosition(), 10_000)).toBe(true);
    expect((await statusOf(signing)).status).toBe('revoked');
  });

  it('judges a second copy of a notice inside one batch against the first, and answers a batch given again the same', async () => {
    const body = notice(person());
    const batch = [body, body, { ...body, kind: 'name' }];
    const headers = { ...FEED, 'idempotency-key': `batch-${body.noticeId}` };
    const first = await post('/v1/registry-changes/batch', headers, batch);
    expect(first.json()).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1 });
    expect(first.json().results.map((r: { result: string }) => r.result)).toEqual(['accepted', 'duplicate', 'rejected']);
    expect(first.json().results[2]).toMatchObject({ reason: 'notice-differs', conflictsWith: { fields: ['kind'] } });
    const again = await post('/v1/registry-changes/batch', headers, batch);
    expect(again.json().results).toEqual(first.json().results);
    const history = (await collect(t.store.readStream(`registry-change-${body.noticeId}`))).map((e) => e.type);
    expect(history.filter((type) => type === 'RegistryChangeReceived')).toHaveLength(1);
  });

  it('records reading a notice and the matching handover as accesses to personal information', async () => {
    const { holder } = await holderWithBoth();
    const body = notice(holder);
    await processed(body);
    const accesses = (await collect(t.store.readAll())).filter((e) => e.type === 'PersonalInformationAccessed' && (e.data.subject as { id: string }).id === body.noticeId);
    expect(accesses.map((e) => [e.data.function, e.metadata.actor.role])).toEqual([
      ['registry.matching', 'system'],
      ['registry-change.read', 'prefectural-operator'],
    ]);
    expect(JSON.stringify(accesses.map((e) => e.data))).not.toContain(holder.residentRecordCode);
  });

  it('admits only the feed to post notices', async () => {
    expect((await post('/v1/registry-changes', CLERK, notice(person()))).statusCode).toBe(403);
    expect((await get('/v1/registry-changes?status=discrepancy', FEED)).statusCode).toBe(403);
  });
});
