/**
 * Issuance against the real CA and the embedded store, with faults injected between its steps: a
 * crash after what is about to be signed was recorded, and before or after the signature, never
 * leaves an unrecorded certificate and resumes to the same certificate.
 */
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerDeps } from '../../../api/ledger-deps.js';
import { submitApplication, recordIdentityVerification, submitPublicKey } from '../../../domain/application/services.js';
import { issueCertificate, type IssuanceDeps } from '../../../domain/issuance/issue-certificate.js';
import type { CertificateAuthority } from '../../../domain/ports/certificate-authority.js';
import type { Caller } from '../../../domain/shared/caller.js';
import { collect } from '../../support/event-store-contract.js';
import { residentCsr } from '../../support/resident-csr.js';
import { testApp, type TestApp } from '../../support/test-app.js';

const clerk: Caller = { actor: { id: 'clerk-1', role: 'municipal-clerk', organisation: 'chiyoda' }, municipality: '131016', correlationId: 'c', causationId: 'c', idempotencyKey: 'k' };
const operator = (key: string): Caller => ({ actor: { id: 'op-1', role: 'prefectural-operator', organisation: 'tokyo' }, correlationId: key, causationId: key, idempotencyKey: key });

describe('issuance interrupted and resumed', () => {
  let t: TestApp;
  let deps: LedgerDeps;
  beforeAll(async () => {
    t = await testApp();
    deps = t.ledger;
  });
  afterAll(() => t.close());

  async function applicationWithKey(n: number): Promise<string> {
    const submitted = await submitApplication(deps, { ...clerk, idempotencyKey: `submit-${n}` }, {
      certificateType: 'signing',
      municipalityCode: '131016',
      applicant: { residentRecordCode: String(20000000000 + n), name: '山田 花子', nameKana: 'ヤマダ ハナコ', dateOfBirth: '1985-02-28', sex: 'female', address: '東京都千代田区' },
    });
    if (E.isLeft(submitted)) throw new Error(submitted.left.detail);
    const id = submitted.right.applicationId;
    await recordIdentityVerification(deps, { ...clerk, idempotencyKey: `id-${n}` }, id, { result: 'verified', method: 'photo-id', documentType: 'passport' });
    const key = await submitPublicKey(deps, { ...clerk, idempotencyKey: `key-${n}` }, id, await residentCsr());
    if (E.isLeft(key)) throw new Error(key.left.detail);
    return id;
  }

  /** The real CA, with its signing replaced. */
  const caSigning = (sign: CertificateAuthority['sign']): CertificateAuthority => ({
    inspectCsr: (pem) => deps.ca.inspectCsr(pem),
    prepare: (ca, request) => deps.ca.prepare(ca, request),
    sign,
  });

  const eventsOf = async (stream: string) => (await collect(t.store.readStream(stream))).map((e) => e.type);

  it('resumes after a crash before the signature: same serial, same TBS, one certificate', async () => {
    const id = await applicationWithKey(1);
    const crashing: IssuanceDeps = { ...deps, ca: caSigning(async () => Promise.reject(new Error('power cut'))) };
    await expect(issueCertificate(crashing, operator('issue-1'), id)).rejects.toThrow('power cut');
    expect(await eventsOf(`application-${id}`)).toEqual(['ApplicationSubmitted', 'IdentityVerified', 'PublicKeyAccepted', 'CertificateIssuancePrepared']);
    const prepared = (await collect(t.store.readStream(`application-${id}`)))[3]?.data as { serialNumber: string; tbsSha256: string };

    const resumed = await issueCertificate(deps, operator('issue-1-again'), id);
    if (E.isLeft(resumed)) throw new Error(resumed.left.detail);
    expect(resumed.right.serialNumber).toBe(prepared.serialNumber);
    const certificate = (await collect(t.store.readStream(`certificate-${prepared.serialNumber}`)))[0]?.data as { tbsSha256: string };
    expect(certificate.tbsSha256).toBe(prepared.tbsSha256);
    expect(await eventsOf(`application-${id}`)).toEqual(['ApplicationSubmitted', 'IdentityVerified', 'PublicKeyAccepted', 'CertificateIssuancePrepared', 'ApplicationIssued']);
  });

  /** The store, with a crash when an append reaches a stream `crashAt` picks; `appendEach` writes its requests one at a time up to there, as the EventStoreDB adapter does. */
  const crashingStore = (crashAt: (stream: string) => boolean, message: string): IssuanceDeps['store'] => ({
    kind: deps.store.kind,
    append: async (stream, events, options) => {
      if (crashAt(stream)) throw new Error(message);
      return deps.store.append(stream, events, options);
    },
    appendEach: async (requests) => {
      const results = [];
      for (const { stream, events, expectedRevision } of requests) {
        if (crashAt(stream)) throw new Error(message);
        results.push(await deps.store.append(stream, events, { expectedRevision }));
      }
      return results;
    },
    readStream: (s, o) => deps.store.readStream(s, o),
    readAll: (o) => deps.store.readAll(o),
    subscribeToAll: (o) => deps.store.subscribeToAll(o),
    headPosition: () => deps.store.headPosition(),
    close: () => deps.store.close(),
  });

  const countingSignatures = () => {
    const counter = { signed: 0 };
    const ca = caSigning(async (issuing, tbs) => {
      counter.signed += 1;
      return deps.ca.sign(issuing, tbs);
    });
    return { counter, ca };
  };

  it('resumes after a crash after the signature, with the certificate recorded and the holder not yet', async () => {
    const id = await applicationWithKey(2);
    const { counter, ca } = countingSignatures();
    const crashAfterSigning: IssuanceDeps = { ...deps, store: crashingStore((s) => s.startsWith('holder-'), 'crash after the certificate was recorded'), ca };
    await expect(issueCertificate(crashAfterSigning, operator('issue-2'), id)).rejects.toThrow('crash after');
    const prepared = (await collect(t.store.readStream(`application-${id}`)))[3]?.data as { serialNumber: string };
    expect(await eventsOf(`certificate-${prepared.serialNumber}`)).toEqual(['CertificateIssued']);
    expect(await eventsOf(`application-${id}`)).not.toContain('ApplicationIssued');

    const resumed = await issueCertificate(deps, operator('issue-2'), id);
    expect(E.isRight(resumed) && resumed.right.serialNumber).toBe(prepared.serialNumber);
    expect(await eventsOf(`certificate-${prepared.serialNumber}`)).toEqual(['CertificateIssued']);
    expect(await eventsOf(`application-${id}`)).toContain('ApplicationIssued');
    expect(counter.signed).toBe(1);
  });

  it('resumes after a crash after the holder was told, before the application was marked issued: the holder is told once', async () => {
    const id = await applicationWithKey(3);
    const { counter, ca } = countingSignatures();
    // The prepare step is the application's first append here: let it through, crash on the next.
    let appendsToApplication = 0;
    const crashAtMarking = (stream: string) => stream === `application-${id}` && ++appendsToApplication > 1;
    const crashBeforeMarking: IssuanceDeps = { ...deps, store: crashingStore(crashAtMarking, 'crash before marking the application'), ca };
    await expect(issueCertificate(crashBeforeMarking, operator('issue-3'), id)).rejects.toThrow('crash before marking');
    const prepared = (await collect(t.store.readStream(`application-${id}`)))[3]?.data as { serialNumber: string };
    expect(await eventsOf(`certificate-${prepared.serialNumber}`)).toEqual(['CertificateIssued']);
    expect(await eventsOf(`application-${id}`)).not.toContain('ApplicationIssued');
    const holder = (await collect(t.store.readStream(`certificate-${prepared.serialNumber}`)))[0]?.data as { holderRef: string };
    expect(await eventsOf(`holder-${holder.holderRef}`)).toEqual(['HolderCertificateAssigned']);

    const resumed = await issueCertificate(deps, operator('issue-3-again'), id);
    expect(E.isRight(resumed) && resumed.right.serialNumber).toBe(prepared.serialNumber);
    expect(await eventsOf(`application-${id}`)).toContain('ApplicationIssued');
    expect(await eventsOf(`holder-${holder.holderRef}`)).toEqual(['HolderCertificateAssigned']);
    expect(counter.signed).toBe(1);
  });

  /** The serials of every certificate recorded for the application. */
  const certificatesOf = async (applicationId: string) =>
    (await collect(t.store.readAll()))
      .filter((e) => e.type === 'CertificateIssued' && (e.data as { applicationId?: string }).applicationId === applicationId)
      .map((e) => (e.data as { serialNumber: string }).serialNumber);

  it('the same command given twice at once (a client retrying): one certificate, recorded before it was signed; the other conflicts or is told the same', async () => {
    const id = await applicationWithKey(4);
    const { counter, ca } = countingSignatures();
    const results = await Promise.all([issueCertificate({ ...deps, ca }, operator('issue-4'), id), issueCertificate({ ...deps, ca }, operator('issue-4'), id)]);
    const application = await collect(t.store.readStream(`application-${id}`));
    const prepared = application.filter((e) => e.type === 'CertificateIssuancePrepared').map((e) => (e.data as { serialNumber: string }).serialNumber);
    expect(prepared).toHaveLength(1);
    expect(await certificatesOf(id)).toEqual(prepared);
    for (const result of results) {
      if (E.isRight(result)) expect(result.right.serialNumber).toBe(prepared[0]);
      else expect(result.left._tag).toBe('Conflict');
    }
    expect(results.filter(E.isRight).length).toBeGreaterThan(0);
    expect(application.filter((e) => e.type === 'ApplicationIssued')).toHaveLength(1);
    expect(counter.signed).toBe(results.filter(E.isRight).length);
  });

  it('two operators issuing one application at once: exactly one certificate, the other is refused', async () => {
    const id = await applicationWithKey(5);
    const results = await Promise.all([issueCertificate(deps, operator('issue-5-a'), id), issueCertificate(deps, operator('issue-5-b'), id)]);
    expect(results.filter(E.isRight)).toHaveLength(1);
    const refused = results.find(E.isLeft);
    expect(refused !== undefined && refused.left._tag).toBe('Conflict');
    expect(await eventsOf(`application-${id}`)).toEqual(['ApplicationSubmitted', 'IdentityVerified', 'PublicKeyAccepted', 'CertificateIssuancePrepared', 'ApplicationIssued']);
  });
});
