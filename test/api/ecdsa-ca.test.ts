/** LEDGER_CA_KEY_ALGORITHM=ECDSA-P256: both roots on P-256, and what they issue verifies. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl, workDir } from '../support/openssl.js';
import { residentCsr } from '../support/resident-csr.js';
import { bearer, testApp, tokenFor, type TestApp } from '../support/test-app.js';

const CLERK = bearer(tokenFor({ role: 'municipal-clerk', municipality: '011002' }));
const OPERATOR = bearer(tokenFor({ role: 'prefectural-operator' }));

describe('issuing CAs on ECDSA P-256', () => {
  let t: TestApp;
  const dir = workDir();
  beforeAll(async () => {
    t = await testApp({ env: { LEDGER_CA_KEY_ALGORITHM: 'ECDSA-P256', LEDGER_PREFECTURE: 'Hokkaido' } });
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  it('establishes P-256 roots named for the configured prefecture and issues certificates that openssl verifies', async () => {
    const root = (await t.app.inject({ method: 'GET', url: '/v1/ca/signing/certificate' })).body;
    const rootText = openssl(['x509', '-noout', '-text'], root).stdout;
    expect(rootText).toContain('Signature Algorithm: ecdsa-with-SHA256');
    expect(rootText).toContain('NIST CURVE: P-256');
    expect(rootText).toContain('OU = Hokkaido Prefecture');

    const post = (url: string, headers: Record<string, string>, payload?: object) => t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
    const applicant = { residentRecordCode: '50000000001', name: '鈴木 一郎', nameKana: 'スズキ イチロウ', dateOfBirth: '1970-02-01', sex: 'male', address: '北海道札幌市中央区' };
    const id = (await post('/v1/applications', CLERK, { certificateType: 'signing', municipalityCode: '011002', applicant })).json().applicationId;
    await post(`/v1/applications/${id}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'driver-license' });
    await post(`/v1/applications/${id}/public-key`, CLERK, { csr: await residentCsr('RSA-2048') });
    const issued = await post(`/v1/applications/${id}/issuance`, OPERATOR);
    expect(issued.statusCode, issued.body).toBe(201);
    const leaf = dir.write('leaf.pem', issued.json().certificatePem);
    expect(openssl(['verify', '-x509_strict', '-CAfile', dir.write('root.pem', root), leaf]).stdout.trim()).toBe(`${leaf}: OK`);
    expect(openssl(['x509', '-in', leaf, '-noout', '-subject']).stdout).toMatch(/^subject=C = JP, L = Hokkaido, L = 011002, CN = /);
  });
});
