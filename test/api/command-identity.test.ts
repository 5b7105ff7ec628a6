/**
 * A command's identity is the caller's Idempotency-Key or a fresh id, and nothing else: the same key
 * with the same request repeats the first reply and writes nothing; the same key with another request
 * is refused (422), never taken for a retry. On the embedded store and on EventStoreDB (the stand-in,
 * through the real client).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreDbEventStore } from '../../infrastructure/event-store/eventstoredb/eventstoredb-event-store.js';
import { start, type RunningStandIn } from '../support/esdb-standin/standin.js';
import { clerkOf, FEED, issueSigning, OPERATOR, postOk } from '../support/http-lifecycle.js';
import { residentCsr } from '../support/resident-csr.js';
import { testApp, type TestApp } from '../support/test-app.js';

const MUNICIPALITY = '131016';
const clerk = clerkOf(MUNICIPALITY);
const applicant = (residentRecordCode: string, name = '山田 太郎') => ({
  residentRecordCode,
  name,
  nameKana: 'ヤマダ タロウ',
  dateOfBirth: '1990-06-15',
  sex: 'male',
  address: '東京都千代田区千代田1-1',
});
const application = (residentRecordCode: string, name?: string) => ({ certificateType: 'signing', municipalityCode: MUNICIPALITY, applicant: applicant(residentRecordCode, name) });

async function head(t: TestApp): Promise<bigint> {
  return t.ledger.store.headPosition();
}

async function historyTypes(t: TestApp, serial: string): Promise<string[]> {
  const res = await t.app.inject({ method: 'GET', url: `/v1/certificates/${serial}?purpose=certificate-administration`, headers: OPERATOR });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { history: { type: string }[] }).history.map((h) => h.type);
}

function notice(noticeId: string, residentRecordCode: string) {
  const items = { name: '山田 太郎', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区千代田1-1' };
  return { noticeId, residentRecordCode, municipalityCode: MUNICIPALITY, kind: 'address', before: items, after: { ...items, address: '東京都港区芝公園4-2-8' }, minor: false, effectiveDate: '2026-04-01' };
}

const stores: [string, () => Promise<{ open?: Parameters<typeof testApp>[0]; stop(): Promise<void> }>][] = [
  ['the embedded store', async () => ({ stop: async () => undefined })],
  [
    'EventStoreDB (stand-in)',
    async () => {
      const standIn: RunningStandIn = await start();
      return {
        open: {
          openStore: (clock) => EventStoreDbEventStore.connect({ url: standIn.url, clock }),
          env: { LEDGER_EVENTSTORE_URL: standIn.url, LEDGER_PROJECTION_WORKER: 'off' },
        },
        stop: () => standIn.stop(),
      };
    },
  ],
];

describe.each(stores)('command identity on %s', (_name, setUp) => {
  let t: TestApp;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const made = await setUp();
    stop = made.stop;
    t = await testApp(made.open ?? {});
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await stop();
  });

  it('records a hold and then a revocation sent with one correlation id (no key): both are commands of their own', async () => {
    const { serialNumber } = await issueSigning(t, MUNICIPALITY, '10000000001');
    const sameCorrelation = { ...OPERATOR, 'x-correlation-id': 'workflow-42' };
    const held = await postOk(t, `/v1/certificates/${serialNumber}/hold`, sameCorrelation, { reportedBy: 'holder' });
    const revoked = await postOk(t, `/v1/certificates/${serialNumber}/revocation`, sameCorrelation, { reason: 'keyCompromise', legalGround: 'key-compromise' });
    expect(revoked.position).not.toBe(held.position);
    const types = await historyTypes(t, serialNumber);
    expect(types).toContain('CertificateHoldPlaced');
    expect(types).toContain('CertificateRevoked');
  });

  it('refuses one key for two applicants (422 idempotency-key-reused, naming the key), and the second application does not exist', async () => {
    const key = { ...clerk, 'idempotency-key': 'counter-7/slip-0001' };
    const first = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: key, payload: application('10000000002') });
    expect(first.statusCode, first.body).toBe(201);
    const before = await head(t);
    const second = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: key, payload: application('10000000003', '佐藤 花子') });
    expect(second.statusCode, second.body).toBe(422);
    expect(second.headers['content-type']).toContain('application/problem+json');
    const problem = second.json() as { type: string; idempotencyKey: string; detail: string };
    expect(problem.type).toBe('urn:jpki-ledger:problem:idempotency-key-reused');
    expect(problem.idempotencyKey).toBe('counter-7/slip-0001');
    expect(second.body).not.toContain('佐藤');
    expect(await head(t)).toBe(before);
    // The same key on another route is another command too.
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: `/v1/applications/${(first.json() as { applicationId: string }).applicationId}/withdrawal`,
      headers: key,
      payload: { reason: 'changed their mind' },
    });
    expect(elsewhere.statusCode, elsewhere.body).toBe(422);
    expect(await head(t)).toBe(before);
  });

  it('repeats the first reply for a retry with the same key and body, and writes nothing', async () => {
    const key = { ...clerk, 'idempotency-key': 'retry-application-1' };
    const first = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: key, payload: application('10000000004') });
    expect(first.statusCode, first.body).toBe(201);
    const before = await head(t);
    const again = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: { ...key, 'x-correlation-id': 'another-one' }, payload: application('10000000004') });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers.location).toBe(first.headers.location);
    expect(await head(t)).toBe(before);
  });

  it('gives two identical requests under one key at the same instant one effect and the same reply (submission and issuance)', async () => {
    const key = { ...clerk, 'idempotency-key': 'simultaneous-1' };
    const [a, b] = await Promise.all([
      t.app.inject({ method: 'POST', url: '/v1/applications', headers: key, payload: application('10000000005') }),
      t.app.inject({ method: 'POST', url: '/v1/applications', headers: key, payload: application('10000000005') }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.json()).toEqual(a.json());
    const id = (a.json() as { applicationId: string }).applicationId;
    await postOk(t, `/v1/applications/${id}/identity-verification`, clerk, { result: 'verified', method: 'photo-id', documentType: 'passport' });
    await postOk(t, `/v1/applications/${id}/public-key`, clerk, { csr: await residentCsr() });
    const issueKey = { ...OPERATOR, 'idempotency-key': 'issue-simultaneous-1' };
    const [x, y] = await Promise.all([
      t.app.inject({ method: 'POST', url: `/v1/applications/${id}/issuance`, headers: issueKey }),
      t.app.inject({ method: 'POST', url: `/v1/applications/${id}/issuance`, headers: issueKey }),
    ]);
    expect([x.statusCode, y.statusCode], `${x.body}\n${y.body}`).toEqual([201, 201]);
    expect(y.json()).toEqual(x.json());
    const read = await t.app.inject({ method: 'GET', url: `/v1/applications/${id}?purpose=certificate-administration`, headers: OPERATOR });
    const history = (read.json() as { history: { type: string }[] }).history.map((h) => h.type);
    expect(history.filter((type) => type === 'CertificateIssuancePrepared')).toHaveLength(1);
  });

  it('answers a batch given again under its key with the same results, and refuses another batch under that key', async () => {
    const batch = [notice('N-KEY-0001', '10000000011'), notice('N-KEY-0002', '10000000012')];
    const key = { ...FEED, 'idempotency-key': 'feed-run-2026-04-01' };
    const first = await t.app.inject({ method: 'POST', url: '/v1/registry-changes/batch', headers: key, payload: batch });
    expect(first.statusCode, first.body).toBe(200);
    expect((first.json() as { accepted: number }).accepted).toBe(2);
    const again = await t.app.inject({ method: 'POST', url: '/v1/registry-changes/batch', headers: key, payload: batch });
    expect(again.json()).toEqual(first.json());
    const other = await t.app.inject({ method: 'POST', url: '/v1/registry-changes/batch', headers: key, payload: [notice('N-KEY-0003', '10000000013')] });
    expect(other.statusCode, other.body).toBe(422);
    const notRecorded = await t.app.inject({ method: 'GET', url: '/v1/registry-changes/N-KEY-0003', headers: FEED });
    expect(notRecorded.statusCode).toBe(404);
    // Without a key, the same notices again are duplicates by notice id, as before.
    const unkeyed = await t.app.inject({ method: 'POST', url: '/v1/registry-changes/batch', headers: FEED, payload: batch });
    expect((unkeyed.json() as { duplicates: number }).duplicates).toBe(2);
  });

  it('refuses an Idempotency-Key it cannot hold (400 naming the header)', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: { ...clerk, 'idempotency-key': 'has space' }, payload: application('10000000006') });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { errors: { field: string }[] }).errors[0]?.field).toBe('header.idempotency-key');
  });
});
