/**
 * What the fuzz found, kept as tests (each failed before its fix; the seed that found it is named).
 *
 * - Seed 20251225 (bounded run), POST /v1/registry-changes/batch with an Idempotency-Key and a
 *   notice holding a lone surrogate: 500. The batch judges each notice's text itself (it opts out of
 *   the edge's whole-body check), but the command's fingerprint canonicalised the whole body first,
 *   and canonical JSON refuses lone surrogates.
 * - Seed 20251225, POST /v1/audit/checkpoints with an Idempotency-Key and a body 5,000 levels deep:
 *   500 (the fingerprint's JSON.stringify ran out of stack). A route without a body schema, or the
 *   batch (whose items are unknown until judged), lets such a body through to the fingerprint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDITOR, FEED } from '../support/http-lifecycle.js';
import { testApp, type TestApp } from '../support/test-app.js';

const items = { name: '山田 太郎', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区千代田1-1' };
const notice = (noticeId: string) => ({ noticeId, residentRecordCode: '96200000001', municipalityCode: '131016', kind: 'address', before: items, after: { ...items, address: '東京都港区芝公園4-2-8' }, minor: false, effectiveDate: '2026-04-01' });

describe('fuzz findings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
    await t.ledger.registryReactor.stop();
  });
  afterAll(() => t.close());

  it('judges a batch with a lone surrogate under an Idempotency-Key notice by notice, and repeats it for a retry', async () => {
    const key = { ...FEED, 'content-type': 'application/json', 'idempotency-key': 'batch-with-bad-text' };
    const payload = `[${JSON.stringify(notice('REG-1'))},{"noticeId":"REG-2","before":{"name":"\\ud800"}},[[{"\\ud800":0}]]]`;
    const first = await t.app.inject({ method: 'POST', url: '/v1/registry-changes/batch', headers: key, payload });
    expect(first.statusCode, first.body).toBe(200);
    expect((first.json() as { results: { result: string }[] }).results.map((r) => r.result)).toEqual(['accepted', 'rejected', 'rejected']);
    const head = await t.ledger.store.headPosition();
    const again = await t.app.inject({ method: 'POST', url: '/v1/registry-changes/batch', headers: key, payload });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(first.json());
    const other = await t.app.inject({ method: 'POST', url: '/v1/registry-changes/batch', headers: key, payload: payload.replace('\\ud800"}}', '\\udfff"}}') });
    expect(other.statusCode, other.body).toBe(422);
    expect(await t.ledger.store.headPosition()).toBe(head);
  });

  it('refuses a body nested thousands deep under an Idempotency-Key as a 400 naming the body, and writes nothing', async () => {
    const head = await t.ledger.store.headPosition();
    for (const [url, headers, payload] of [
      ['/v1/audit/checkpoints', AUDITOR, '['.repeat(5_000) + ']'.repeat(5_000)],
      ['/v1/audit/checkpoints', AUDITOR, '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000)],
      ['/v1/registry-changes/batch', FEED, `[${'['.repeat(5_000)}${']'.repeat(5_000)}]`],
    ] as const) {
      const res = await t.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': `deep-${url}-${payload.length}` }, payload });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ type: 'urn:jpki-ledger:problem:invalid-request', errors: [{ field: 'body' }] });
    }
    expect(await t.ledger.store.headPosition()).toBe(head);
  });
});
