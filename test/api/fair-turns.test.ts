/**
 * The embedded store answers synchronously, so a long piece of work — a batch of thousands of
 * change notices — must still let other requests in while it runs. A relying party's status query
 * sent while a large batch is being received is answered before the batch is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED, OPERATOR } from '../support/http-lifecycle.js';
import { testApp, type TestApp } from '../support/test-app.js';

describe('long work and other requests', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('answers a status query sent during a 3,000-notice batch before the batch', async () => {
    const before = { name: '山田 太郎', dateOfBirth: '1980-06-15', sex: 'male', address: '東京都千代田区' };
    const notices = Array.from({ length: 3000 }, (_, i) => ({
      noticeId: `FAIR-${i}`,
      residentRecordCode: String(97000000000 + i),
      municipalityCode: '131016',
      kind: 'address',
      before,
      after: { ...before, address: '大阪府大阪市北区１' },
      minor: false,
      effectiveDate: '2026-11-20',
    }));
    const finished: string[] = [];
    const batch = t.app.inject({ method: 'POST', url: '/v1/registry-changes/batch', headers: FEED, payload: notices }).then((res) => {
      finished.push('batch');
      return res;
    });
    // Sent once the batch is under way (its first notices recorded).
    while ((await t.store.headPosition()) < 100n) await new Promise((resolve) => setTimeout(resolve, 1));
    const status = t.app.inject({ method: 'GET', url: '/v1/certificates/0A0B0C0D/status', headers: OPERATOR }).then((res) => {
      finished.push('status');
      return res;
    });
    const [batchReply, statusReply] = await Promise.all([batch, status]);
    expect(batchReply.statusCode, batchReply.body).toBeLessThan(300);
    expect(statusReply.json()).toMatchObject({ serialNumber: '0A0B0C0D', status: 'unknown' });
    expect(finished).toEqual(['status', 'batch']);
  }, 60_000);
});
