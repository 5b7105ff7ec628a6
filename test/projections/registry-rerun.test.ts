/**
 * The registry reactor runs a step again after a crash (it acts at least once). Running the step for
 * a notice again — after other accesses were recorded meanwhile, as they are on a working day —
 * writes nothing new: no second revocation, no second outcome, and no second record of the handover
 * to registry matching, which would inflate the privacy council's counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAccessesOnce, type OnceAccess } from '../../domain/access/record-access.js';
import { processNotice, REGISTRY_REACTOR } from '../../domain/registry/services.js';
import { collect } from '../support/event-store-contract.js';
import { clerkOf, FEED, issueSigning, OPERATOR } from '../support/http-lifecycle.js';
import { reactorDepsOf, testApp, type TestApp } from '../support/test-app.js';

describe('a registry step run again', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('records the handover, the revocation and the outcome once', async () => {
    const { serialNumber } = await issueSigning(t, '131016', '95000000001');
    const before = { name: '山田 太郎', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区' };
    const notice = { noticeId: 'RERUN-1', residentRecordCode: '95000000001', municipalityCode: '131016', kind: 'address', before, after: { ...before, address: '大阪府大阪市北区１' }, minor: false, effectiveDate: '2026-11-20' };
    const received = await t.app.inject({ method: 'POST', url: '/v1/registry-changes', headers: FEED, payload: notice });
    expect(received.statusCode, received.body).toBe(202);
    expect(await t.ledger.registryReactor.waitFor(BigInt(received.json().position), 10_000)).toBe(true);

    // Other accesses are recorded meanwhile (a clerk reads the certificate), then the step runs again.
    const read = await t.app.inject({ method: 'GET', url: `/v1/certificates/${serialNumber}?purpose=certificate-administration`, headers: clerkOf('131016') });
    expect(read.statusCode, read.body).toBe(200);
    const all = async () => collect(t.store.readAll());
    const receivedEvent = (await all()).find((e) => e.type === 'RegistryChangeReceived' && (e.data as { noticeId: string }).noticeId === 'RERUN-1');
    if (receivedEvent === undefined) throw new Error('notice not recorded');
    const head = await t.store.headPosition();
    const deps = reactorDepsOf(t);
    await processNotice(deps, receivedEvent);

    expect(await t.store.headPosition()).toBe(head);
    const events = await all();
    const handovers = events.filter((e) => e.type === 'PersonalInformationAccessed' && (e.data as { function: string }).function === 'registry.matching');
    expect(handovers.map((e) => (e.data as { subject: { id: string } }).subject.id)).toEqual(['RERUN-1']);
    expect(events.filter((e) => e.type === 'CertificateRevoked' && (e.data as { serialNumber: string }).serialNumber === serialNumber)).toHaveLength(1);
    const status = await t.app.inject({ method: 'GET', url: `/v1/certificates/${serialNumber}/status?minPosition=${head}`, headers: OPERATOR });
    expect(status.json().status).toBe('revoked');
  });

  it('records an access on a subject stream that already holds another record after it, once', async () => {
    const deps = reactorDepsOf(t);
    const stream = 'access-registry-change-RERUN-SUBJECT';
    const access = (key: string): OnceAccess => ({
      caller: { actor: REGISTRY_REACTOR, correlationId: key, causationId: key, idempotencyKey: key },
      access: {
        function: 'registry.matching',
        purpose: 'registry-matching',
        purposeStated: true,
        legalBasis: 'JPKI Act art. 12: change-driven revocation information',
        items: ['name'],
        holderRef: 'a'.repeat(64),
        municipalityCode: '131016',
        subject: { kind: 'registry-change', id: 'RERUN-SUBJECT' },
        recipient: 'registry-matching',
        accessedAt: new Date().toISOString(),
      },
      stream,
    });
    await recordAccessesOnce(deps, [access('first')]);
    const [second] = await recordAccessesOnce(deps, [access('second')]);
    const head = await t.store.headPosition();
    expect(await recordAccessesOnce(deps, [access('second'), access('first')])).toEqual([second, expect.any(BigInt)]);
    expect(await t.store.headPosition()).toBe(head);
    const recorded = await collect(t.store.readStream(stream));
    expect(recorded.map((e) => [e.revision, e.metadata.correlationId])).toEqual([
      [0n, 'first'],
      [1n, 'second'],
    ]);
  });
});
