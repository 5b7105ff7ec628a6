/** The registry reactor in a worker thread: notices handled there, its progress seen here, a worker that dies started again. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedReactorPosition } from '../../projections/registry/registry-reactor.js';
import { WorkerRegistryReactor } from '../../projections/worker/worker-reactor.js';
import { collect } from '../support/event-store-contract.js';
import { FEED, issueSigning } from '../support/http-lifecycle.js';
import { fixedClock } from '../support/clocks.js';
import { testApp, type TestApp } from '../support/test-app.js';

const before = { name: '山田 太郎', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区' };
const addressChange = (noticeId: string, residentRecordCode: string) => ({
  noticeId,
  residentRecordCode,
  municipalityCode: '131016',
  kind: 'address',
  before,
  after: { ...before, address: '大阪府大阪市北区１' },
  minor: false,
  effectiveDate: '2026-11-20',
});

describe('the registry reactor in a worker thread', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('revokes in the worker, reports how far it got, and goes on after the worker died without acting twice', async () => {
    const reactor = t.ledger.registryReactor;
    expect(reactor).toBeInstanceOf(WorkerRegistryReactor);
    const first = await issueSigning(t, '131016', '96000000001');
    const second = await issueSigning(t, '131016', '96000000002');

    const one = await t.app.inject({ method: 'POST', url: '/v1/registry-changes', headers: FEED, payload: addressChange('WORKER-1', '96000000001') });
    expect(one.statusCode, one.body).toBe(202);
    const received = BigInt(one.json().position);
    expect(await reactor.waitFor(received, 10_000)).toBe(true);
    expect(reactor.position).toBeGreaterThanOrEqual(received);
    expect((await collect(t.store.readAll())).filter((e) => e.type === 'RegistryChangeReplied')).toHaveLength(1);

    await (reactor as WorkerRegistryReactor).terminate();
    const two = await t.app.inject({ method: 'POST', url: '/v1/registry-changes', headers: FEED, payload: addressChange('WORKER-2', '96000000002') });
    expect(two.statusCode, two.body).toBe(202);
    expect(await reactor.waitFor(BigInt(two.json().position), 15_000)).toBe(true);
    expect(await reactor.waitFor(await t.store.headPosition(), 10_000)).toBe(true);

    const events = await collect(t.store.readAll());
    const revoked = events.filter((e) => e.type === 'CertificateRevoked').map((e) => (e.data as { serialNumber: string }).serialNumber);
    expect(revoked.sort()).toEqual([first.serialNumber, second.serialNumber].sort());
    expect(events.filter((e) => e.type === 'RegistryChangeReplied')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'PersonalInformationAccessed' && (e.data as { function: string }).function === 'registry.matching')).toHaveLength(2);
  });

  it('saves how far it got when stopped, so a reactor started again goes on from there', async () => {
    const other = await testApp();
    try {
      await issueSigning(other, '131016', '96000000003');
      const notice = await other.app.inject({ method: 'POST', url: '/v1/registry-changes', headers: FEED, payload: addressChange('WORKER-3', '96000000003') });
      expect(notice.statusCode, notice.body).toBe(202);
      const head = await other.store.headPosition();
      expect(await other.ledger.registryReactor.waitFor(head, 10_000)).toBe(true);
      await other.ledger.registryReactor.stop();
      // Saved at most once a second while running; on stopping, as far as it has handled.
      expect(storedReactorPosition(other.ledger.readModels.db)).toBeGreaterThanOrEqual(head);
    } finally {
      await other.close();
    }
  });

  it('stays in this thread for a ledger on another clock than the system clock', async () => {
    const other = await testApp({ clock: fixedClock('2026-11-30T01:00:00Z') });
    try {
      expect(other.ledger.registryReactor).not.toBeInstanceOf(WorkerRegistryReactor);
    } finally {
      await other.close();
    }
  });
});
