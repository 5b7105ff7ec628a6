/**
 * A batch of registry notices is judged notice by notice: one notice with text the store cannot hold
 * is rejected with its index and where the character is, and every other notice is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED } from '../support/http-lifecycle.js';
import { testApp, type TestApp } from '../support/test-app.js';

function notice(index: number, name = '山田 太郎') {
  const before = { name, dateOfBirth: '1980-06-15', sex: 'male', address: '東京都千代田区千代田１－１' };
  return {
    noticeId: `T-${index}`,
    residentRecordCode: String(60000000000 + index),
    municipalityCode: '131016',
    kind: 'address',
    before,
    after: { ...before, address: '大阪府大阪市北区梅田１－１' },
    minor: false,
    effectiveDate: '2026-11-20',
  };
}

describe('a registry batch with one notice of bad text', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('rejects that notice alone, naming where the character is, and records the 599 others', async () => {
    const notices = Array.from({ length: 600 }, (_, i) => (i === 550 ? notice(i, '山田\ud800') : notice(i)));
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/registry-changes/batch',
      headers: { ...FEED, 'content-type': 'application/json' },
      payload: JSON.stringify(notices),
    });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ accepted: 599, duplicates: 0, rejected: 1 });
    expect(body.results[550]).toEqual({
      index: 550,
      result: 'rejected',
      reason: 'invalid-notice',
      errors: [
        { field: 'before.name', message: 'contains U+D800 (a lone surrogate) at position 3' },
        { field: 'after.name', message: 'contains U+D800 (a lone surrogate) at position 3' },
      ],
    });
    expect(body.results.filter((r: { result: string }) => r.result === 'accepted')).toHaveLength(599);
    for (const index of [0, 499, 500, 551, 599]) {
      const read = await t.app.inject({ method: 'GET', url: `/v1/registry-changes/T-${index}`, headers: FEED });
      expect(read.statusCode, `notice ${index}: ${read.body}`).toBe(200);
    }
    expect((await t.app.inject({ method: 'GET', url: '/v1/registry-changes/T-550', headers: FEED })).statusCode).toBe(404);
  });

  it('judges NDJSON lines the same way, and still refuses bad text in the query or path', async () => {
    const lines = [notice(1000), notice(1001, '山田\u0000'), notice(1002)].map((n) => JSON.stringify(n)).join('\n');
    const res = await t.app.inject({ method: 'POST', url: '/v1/registry-changes/batch', headers: { ...FEED, 'content-type': 'application/x-ndjson' }, payload: lines });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 2, rejected: 1 });
    expect(res.json().results[1]).toMatchObject({ index: 1, result: 'rejected', reason: 'invalid-notice' });
    expect(res.json().results[1].errors).toContainEqual({ field: 'before.name', message: 'contains U+0000 (a control character) at position 3' });
    const query = await t.app.inject({ method: 'POST', url: '/v1/registry-changes/batch?x=%01', headers: { ...FEED, 'content-type': 'application/json' }, payload: '[]' });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors).toEqual([{ field: 'query.x', message: 'contains U+0001 (a control character) at position 1' }]);
  });
});
