/**
 * What the counter may send as the resident's request: a DSA key is refused as an algorithm the CA
 * does not accept (not as a failed proof of possession), and a PEM with explanatory text before the
 * armour (RFC 7468 §5.2) is read like any other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clerkOf, postOk } from '../support/http-lifecycle.js';
import { opensslOk, workDir } from '../support/openssl.js';
import { residentCsr } from '../support/resident-csr.js';
import { testApp, type TestApp } from '../support/test-app.js';

const CLERK = clerkOf('131016');
let residentCode = 80000000000;

describe('the resident’s CSR as the counter sends it', () => {
  let t: TestApp;
  const dir = workDir();
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  async function verified(): Promise<string> {
    residentCode += 1;
    const applicant = { residentRecordCode: String(residentCode), name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区' };
    const id = (await postOk(t, '/v1/applications', CLERK, { certificateType: 'signing', municipalityCode: '131016', applicant })).applicationId as string;
    await postOk(t, `/v1/applications/${id}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'passport' });
    return id;
  }

  it('refuses a DSA key as a refused algorithm', async () => {
    const params = dir.write('dsa-params.pem', '');
    opensslOk(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:2048', '-out', params]);
    const csrFile = dir.write('dsa.csr', '');
    opensslOk(['req', '-new', '-newkey', `dsa:${params}`, '-nodes', '-keyout', dir.write('dsa.key', ''), '-subj', '/CN=resident', '-sha256', '-out', csrFile]);
    const csr = opensslOk(['req', '-in', csrFile]);
    const id = await verified();
    const res = await t.app.inject({ method: 'POST', url: `/v1/applications/${id}/public-key`, headers: CLERK, payload: { csr } });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ type: 'urn:jpki-ledger:problem:public-key-algorithm-refused' });
    expect(res.json().detail).toContain('1.2.840.10040.4.1');
  });

  it('takes a PEM with explanatory text before the armour', async () => {
    const csr = `Subject: CN=resident\nGenerated at the counter, terminal 3\n${await residentCsr()}`;
    const id = await verified();
    const res = await t.app.inject({ method: 'POST', url: `/v1/applications/${id}/public-key`, headers: CLERK, payload: { csr } });
    expect(res.statusCode, res.body).toBe(200);
  });
});
