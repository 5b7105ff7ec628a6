/**
 * The registry reactor processes the notices that arrived together in one call. Two notices about
 * one holder in one batch — an address change, then the death — get the outcomes they would get one
 * after the other: the first revokes the signing certificate, the second finds it already revoked.
 * Running the same batch again (after a crash) writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processNotices } from '../../domain/registry/services.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { collect } from '../support/event-store-contract.js';
import { FEED, issueSigning, OPERATOR } from '../support/http-lifecycle.js';
import { reactorDepsOf, testApp, type TestApp } from '../support/test-app.js';

describe('registry notices processed together', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('gives each notice the outcome it would have had on its own, and writes nothing when run again', async () => {
    const { serialNumber } = await issueSigning(t, '131016', '95000000002');
    await t.ledger.registryReactor.stop(); // the batch is run here, not by the reactor
    const before = { name: '山田 太郎', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区' };
    const base = { residentRecordCode: '95000000002', municipalityCode: '131016', before, minor: false, effectiveDate: '2026-11-20' };
    const notices = [
      { ...base, noticeId: 'BATCH-ADDRESS', kind: 'address', after: { ...before, address: '大阪府大阪市北区１' } },
      { ...base, noticeId: 'BATCH-DEATH', kind: 'removal', removalCause: 'death', after: null },
    ];
    let last = 0n;
    for (const notice of notices) {
      const received = await t.app.inject({ method: 'POST', url: '/v1/registry-changes', headers: FEED, payload: notice });
      expect(received.statusCode, received.body).toBe(202);
      last = BigInt(received.json().position);
    }
    expect(await t.ledger.readModels.runner.waitFor(last, 10_000)).toBe(true);

    const all = async (): Promise<RecordedEvent[]> => collect(t.store.readAll());
    const received = (await all()).filter((e) => e.type === 'RegistryChangeReceived');
    expect(received).toHaveLength(2);
    const deps = reactorDepsOf(t);
    await processNotices(deps, received);

    const events = await all();
    const outcomeOf = (noticeId: string) =>
      events
        .filter((e) => e.type === 'RegistryChangeProcessed' && (e.data as { noticeId: string }).noticeId === noticeId)
        .map((e) => (e.data as { certificates: { serialNumber: string; outcome: string }[] }).certificates);
    expect(outcomeOf('BATCH-ADDRESS')).toEqual([[expect.objectContaining({ serialNumber, outcome: 'revoked' })]]);
    expect(outcomeOf('BATCH-DEATH')).toEqual([[expect.objectContaining({ serialNumber, outcome: 'already-revoked' })]]);
    const revocations = events.filter((e) => e.type === 'CertificateRevoked');
    expect(revocations.map((e) => e.data as { serialNumber: string; reason: string })).toEqual([expect.objectContaining({ serialNumber, reason: 'affiliationChanged' })]);
    const replies = events.filter((e) => e.type === 'RegistryChangeReplied').map((e) => e.data as { noticeId: string; status: string });
    expect(replies.map(({ noticeId, status }) => [noticeId, status])).toEqual([
      ['BATCH-ADDRESS', 'revoked'],
      ['BATCH-DEATH', 'nothing-to-revoke'],
    ]);

    const head = await t.store.headPosition();
    await processNotices(deps, received);
    expect(await t.store.headPosition()).toBe(head);
    const status = await t.app.inject({ method: 'GET', url: `/v1/certificates/${serialNumber}/status?minPosition=${head}`, headers: OPERATOR });
    expect(status.json().status).toBe('revoked');
  });
});
