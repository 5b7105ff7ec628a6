/**
 * OCSP answers are signed ahead from the status read model: a request without a nonce then costs no
 * signature, and a status change is signed again by the next pre-signing pass.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA_KEYS_DIR } from '../../api/compose.js';
import { recordIdentityVerification, submitApplication, submitPublicKey } from '../../domain/application/services.js';
import { revokeCertificate } from '../../domain/certificate/services.js';
import { issueCertificate } from '../../domain/issuance/issue-certificate.js';
import type { Caller } from '../../domain/shared/caller.js';
import type { Signer } from '../../domain/ports/signer.js';
import { FileKeyStore } from '../../infrastructure/ca/file-key-store.js';
import { certIdFor } from '../../infrastructure/ca/ocsp/cert-id.js';
import { OcspService } from '../../projections/ocsp/ocsp-service.js';
import { residentCsr } from '../support/resident-csr.js';
import { testApp, type TestApp } from '../support/test-app.js';

const who = (role: string, key: string): Caller => ({ actor: { id: 'x', role, organisation: 'o' }, municipality: '131016', correlationId: key, causationId: key, idempotencyKey: key });

describe('OCSP pre-signing', () => {
  let t: TestApp;
  let signatures = 0;
  let ocsp: OcspService;

  beforeAll(async () => {
    t = await testApp();
    const keys = new FileKeyStore(join(t.dataDir, CA_KEYS_DIR));
    const counting: Signer = { sign: (keyId, data) => ((signatures += 1), keys.sign(keyId, data)) };
    ocsp = new OcspService(t.ledger.readModels.db, {
      issuingCas: t.ledger.issuingCas,
      responders: t.ledger.responders,
      signer: counting,
      statuses: t.ledger.readModels.certificateStatus,
      clock: t.ledger.clock,
      settings: { validitySeconds: 3600, refreshBeforeSeconds: 600 },
    });
    // As the composition root does: remembered answers are dropped when their certificate changes.
    t.ledger.readModels.runner.onFolded((events) => ocsp.forget(events));
  });
  afterAll(() => t.close());

  async function issue(n: number): Promise<{ serialNumber: string; position: bigint }> {
    const clerk = (step: string) => who('municipal-clerk', `${n}-${step}`);
    const submitted = await submitApplication(t.ledger, clerk('submit'), {
      certificateType: 'signing',
      municipalityCode: '131016',
      applicant: { residentRecordCode: String(80000000000 + n), name: '山田 太郎', nameKana: 'ヤマダ', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都' },
    });
    if (submitted._tag === 'Left') throw new Error(submitted.left.detail);
    const id = submitted.right.applicationId;
    await recordIdentityVerification(t.ledger, clerk('identity'), id, { result: 'verified', method: 'photo-id', documentType: 'passport' });
    await submitPublicKey(t.ledger, clerk('key'), id, await residentCsr());
    const issued = await issueCertificate(t.ledger, who('prefectural-operator', `${n}-issue`), id);
    if (issued._tag === 'Left') throw new Error(issued.left.detail);
    return issued.right;
  }

  it('signs answers ahead, serves them without a signature, and signs again after a status change', async () => {
    const certs = [await issue(1), await issue(2)];
    await t.ledger.readModels.runner.waitFor(certs[1]!.position, 5000);
    const ca = await t.ledger.issuingCas.current('signing');

    expect(await ocsp.presign('signing')).toBe(2);
    const before = signatures;
    const request = { ok: true as const, requests: [certIdFor(ca, certs[0]!.serialNumber, 'sha1')] };
    const first = await ocsp.answer('signing', request);
    const second = await ocsp.answer('signing', request);
    expect(signatures).toBe(before);
    expect(Buffer.from(second.der).equals(Buffer.from(first.der))).toBe(true);
    expect(await ocsp.presign('signing')).toBe(0);

    const revoked = await revokeCertificate(t.ledger, who('prefectural-operator', 'revoke-1'), certs[0]!.serialNumber, { reason: 'keyCompromise', legalGround: 'key-compromise' });
    if (revoked._tag === 'Left') throw new Error(revoked.left.detail);
    await t.ledger.readModels.runner.waitFor(revoked.right.position, 5000);
    expect(await ocsp.presign('signing')).toBe(1);
    const afterChange = signatures;
    const third = await ocsp.answer('signing', request);
    expect(signatures).toBe(afterChange);
    expect(Buffer.from(third.der).equals(Buffer.from(first.der))).toBe(false);

    const withNonce = await ocsp.answer('signing', { ...request, nonce: Uint8Array.of(1, 2, 3, 4) });
    expect(signatures).toBe(afterChange + 1);
    expect(withNonce.cache).toBeUndefined();
  });
});
