/**
 * The certificate lifecycle through the HTTP API, on the embedded store with the real CA: what a
 * clerk does at the counter and what the prefectural CA does in response, checked with openssl.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../support/event-store-contract.js';
import { asn1parse, openssl, workDir } from '../support/openssl.js';
import { residentCsr } from '../support/resident-csr.js';
import { bearer, testApp, tokenFor, type TestApp } from '../support/test-app.js';

const CLERK = bearer(tokenFor({ role: 'municipal-clerk', municipality: '131016', sub: 'clerk-1', organisation: 'chiyoda-ward' }));
const OTHER_CLERK = bearer(tokenFor({ role: 'municipal-clerk', municipality: '271004', sub: 'clerk-9', organisation: 'osaka-city' }));
const OPERATOR = bearer(tokenFor({ role: 'prefectural-operator', sub: 'op-1', organisation: 'tokyo-pref' }));
const AUDITOR = bearer(tokenFor({ role: 'auditor', sub: 'aud-1', organisation: 'audit-office' }));
const PROBLEM = /^application\/problem\+json/;

let residentCode = 10000000000;
function applicant(overrides: Record<string, unknown> = {}) {
  residentCode += 1;
  return {
    residentRecordCode: String(residentCode),
    name: '山田 太郎',
    nameKana: 'ヤマダ タロウ',
    dateOfBirth: '1990-06-15',
    sex: 'male',
    address: '東京都千代田区千代田１－１',
    ...overrides,
  };
}

describe('the certificate lifecycle over HTTP', () => {
  let t: TestApp;
  const dir = workDir();

  beforeAll(async () => {
    t = await testApp({ env: { LEDGER_PUBLIC_URL: 'http://ledger.test' } });
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  const post = (url: string, headers: Record<string, string>, payload?: object) => t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
  const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });

  async function submitted(body: Record<string, unknown> = {}) {
    const res = await post('/v1/applications', CLERK, { certificateType: 'signing', municipalityCode: '131016', applicant: applicant(), ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().applicationId as string;
  }

  async function keyAccepted(body: Record<string, unknown> = {}, csr?: string) {
    const id = await submitted(body);
    expect((await post(`/v1/applications/${id}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'my-number-card' })).statusCode).toBe(200);
    const key = await post(`/v1/applications/${id}/public-key`, CLERK, { csr: csr ?? (await residentCsr()) });
    expect(key.statusCode, key.body).toBe(200);
    return id;
  }

  async function issued(body: Record<string, unknown> = {}) {
    const id = await keyAccepted(body);
    const res = await post(`/v1/applications/${id}/issuance`, OPERATOR);
    expect(res.statusCode, res.body).toBe(201);
    return { id, ...(res.json() as { serialNumber: string; certificatePem: string; notBefore: string; notAfter: string }), location: res.headers.location };
  }

  async function rootPem(type: string): Promise<string> {
    const res = await get(`/v1/ca/${type}/certificate`, {});
    expect(res.statusCode).toBe(200);
    return res.body;
  }

  it('serves each issuing root as PEM, and as DER on request', async () => {
    const pem = await rootPem('signing');
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    const der = await get('/v1/ca/signing/certificate', { accept: 'application/pkix-cert' });
    expect(der.headers['content-type']).toBe('application/pkix-cert');
    const text = openssl(['x509', '-inform', 'DER', '-noout', '-subject', '-ext', 'basicConstraints'], der.rawPayload);
    expect(text.stdout).toContain('OU = JPKI for digital signature');
    expect(text.stdout).toContain('CA:TRUE');
    expect(openssl(['x509', '-noout', '-subject'], await rootPem('user-authentication')).stdout).toContain('JPKI for user authentication');
  });

  it('issues a signing certificate that openssl verifies against the signing root, and only that root', async () => {
    const cert = await issued();
    expect(cert.location).toBe(`/v1/certificates/${cert.serialNumber}`);
    const paths = { root: dir.write('signing-root.pem', await rootPem('signing')), other: dir.write('auth-root.pem', await rootPem('user-authentication')), leaf: dir.write(`${cert.serialNumber}.pem`, cert.certificatePem) };
    const verified = openssl(['verify', '-x509_strict', '-CAfile', paths.root, paths.leaf]);
    expect(verified.stdout.trim()).toBe(`${paths.leaf}: OK`);
    expect(openssl(['verify', '-CAfile', paths.other, paths.leaf]).status).not.toBe(0);
    expect(openssl(['x509', '-in', paths.leaf, '-noout', '-serial']).stdout.trim()).toBe(`serial=${cert.serialNumber}`);
    const text = openssl(['x509', '-in', paths.leaf, '-noout', '-text']).stdout;
    expect(text).toContain('URI:http://ledger.test/v1/crl/signing/131016');
    expect(text).toContain('URI:http://ledger.test/v1/crl/signing\n');
    expect(text).toContain('OCSP - URI:http://ledger.test/v1/ocsp/signing');
    expect(text).toContain('1.2.392.200149.8.5.1.1.20');
    // Validity: 00:00 JST on the issue day to 23:59:59 JST on the 5th birthday after it.
    expect(cert.notBefore).toMatch(/T15:00:00\.000Z$/);
    expect(cert.notAfter).toMatch(/-06-15T14:59:59\.000Z$/);
  });

  it('issues a user-authentication certificate to a child, for an ECDSA key, chaining to its own root', async () => {
    const res = await post('/v1/applications', CLERK, { certificateType: 'user-authentication', municipalityCode: '131016', applicant: applicant({ dateOfBirth: '2020-02-29' }) });
    expect(res.statusCode).toBe(201);
    const id = res.json().applicationId;
    await post(`/v1/applications/${id}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'my-number-card' });
    expect((await post(`/v1/applications/${id}/public-key`, CLERK, { csr: await residentCsr('ECDSA-P256') })).statusCode).toBe(200);
    const cert = await post(`/v1/applications/${id}/issuance`, OPERATOR);
    expect(cert.statusCode).toBe(201);
    const leaf = dir.write('auth-leaf.pem', cert.json().certificatePem);
    expect(openssl(['verify', '-x509_strict', '-CAfile', dir.write('auth-root-2.pem', await rootPem('user-authentication')), leaf]).stdout).toContain(': OK');
    expect(openssl(['x509', '-in', leaf, '-noout', '-subject']).stdout).toMatch(/^subject=C = JP, CN = [0-9a-f-]{36}\n$/);
  });

  it('enforces the order: identity before key, key before issuance, one issuance', async () => {
    const id = await submitted();
    const early = await post(`/v1/applications/${id}/public-key`, CLERK, { csr: await residentCsr() });
    expect(early.statusCode).toBe(409);
    expect(early.headers['content-type']).toMatch(PROBLEM);
    expect(early.json()).toMatchObject({ type: 'urn:jpki-ledger:problem:identity-not-verified', rule: 'identity-not-verified' });
    expect((await post(`/v1/applications/${id}/issuance`, OPERATOR)).json().rule).toBe('public-key-not-accepted');

    const cert = await issued();
    const again = await post(`/v1/applications/${cert.id}/issuance`, OPERATOR);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ rule: 'already-issued', conflictsWith: { serialNumber: cert.serialNumber } });
  });

  it('ends the application when identity verification fails', async () => {
    const id = await submitted();
    expect((await post(`/v1/applications/${id}/identity-verification`, CLERK, { result: 'failed', method: 'inquiry-letter', documentType: 'other-photo-id' })).statusCode).toBe(200);
    const after = await post(`/v1/applications/${id}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'passport' });
    expect(after.json()).toMatchObject({ status: 409, rule: 'application-closed' });
  });

  it('refuses a public key seen in any earlier application, a weak key and a forged request', async () => {
    const csr = await residentCsr();
    await keyAccepted({}, csr);
    const second = await submitted();
    await post(`/v1/applications/${second}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'passport' });
    const duplicate = await post(`/v1/applications/${second}/public-key`, CLERK, { csr });
    expect(duplicate.statusCode).toBe(422);
    expect(duplicate.json()).toMatchObject({ rule: 'duplicate-public-key', errors: [{ field: 'body.csr' }] });

    const garbled = csr.replace(/-----BEGIN CERTIFICATE REQUEST-----\n(.{10})/, '-----BEGIN CERTIFICATE REQUEST-----\nAAAAAAAAAA');
    const broken = await post(`/v1/applications/${second}/public-key`, CLERK, { csr: garbled });
    expect(broken.statusCode).toBe(422);
    expect(['csr-malformed', 'proof-of-possession-failed']).toContain(broken.json().rule);
  });

  it('refuses a signing certificate to an applicant under 15, naming the field', async () => {
    const res = await post('/v1/applications', CLERK, { certificateType: 'signing', municipalityCode: '131016', applicant: applicant({ dateOfBirth: '2015-01-01' }) });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ type: 'urn:jpki-ledger:problem:applicant-under-15', errors: [{ field: 'body.applicant.dateOfBirth' }] });
  });

  it('refuses a name outside JIS X 0208 without alternative characters, and takes it with them', async () => {
    const missing = await post('/v1/applications', CLERK, { certificateType: 'signing', municipalityCode: '131016', applicant: applicant({ name: '髙橋 一郎' }) });
    expect(missing.json()).toMatchObject({ status: 422, rule: 'substitution-missing', errors: [{ field: 'body.applicant.alternativeCharacters.name' }] });
    const cert = await issued({ applicant: applicant({ name: '髙橋 一郎', alternativeCharacters: { name: '高橋 一郎' } }) });
    const leaf = dir.write('substituted.pem', cert.certificatePem);
    const outer = asn1parse(['-in', leaf]);
    // The extension's value, an OCTET STRING, follows its OBJECT.
    const octets = outer[outer.findIndex((e) => e.value === 'X509v3 Subject Alternative Name') + 1];
    const values = asn1parse(['-in', leaf, '-strparse', String(octets?.offset)]).filter((e) => e.type === 'UTF8STRING').map((e) => e.value);
    expect(values).toEqual(['高橋　一郎', '10000', '1', '419900615', '東京都千代田区千代田１－１', '0000000000000']);
  });

  it('answers invalid input with 400 naming the field, and changes nothing', async () => {
    const before = await t.store.headPosition();
    const res = await post('/v1/applications', CLERK, { certificateType: 'signing', municipalityCode: '131016', applicant: applicant({ residentRecordCode: '123' }) });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'body.applicant.residentRecordCode', message: 'must be the 11-digit resident record code' }]);
    expect(res.body).not.toContain('123"');
    expect(await t.store.headPosition()).toBe(before);
  });

  it('lets a clerk act only for their own municipality', async () => {
    const other = await post('/v1/applications', OTHER_CLERK, { certificateType: 'signing', municipalityCode: '131016', applicant: applicant() });
    expect(other.statusCode).toBe(403);
    expect(other.json().rule).toBe('other-municipality');
    const id = await submitted();
    expect((await get(`/v1/applications/${id}`, OTHER_CLERK)).statusCode).toBe(403);
    expect((await post(`/v1/applications/${id}/identity-verification`, OTHER_CLERK, { result: 'verified', method: 'photo-id', documentType: 'passport' })).statusCode).toBe(403);
  });

  it('records delivery once, then a hold, then one revocation; a second revocation names the first', async () => {
    const cert = await issued();
    const url = `/v1/certificates/${cert.serialNumber}`;
    expect((await post(`${url}/delivery`, CLERK)).statusCode).toBe(200);
    expect((await post(`${url}/delivery`, CLERK)).json()).toMatchObject({ status: 409, rule: 'already-delivered' });
    expect((await post(`${url}/hold`, OPERATOR, { reportedBy: 'call-centre' })).statusCode).toBe(200);
    const revoked = await post(`${url}/revocation`, CLERK, { reason: 'cessationOfOperation', legalGround: 'holder-request' });
    expect(revoked.statusCode).toBe(200);
    const again = await post(`${url}/revocation`, OPERATOR, { reason: 'keyCompromise', legalGround: 'key-compromise' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ rule: 'already-revoked', conflictsWith: { reason: 'cessationOfOperation' } });
    const read = await get(`${url}?purpose=certificate-administration`, OPERATOR);
    expect(read.json()).toMatchObject({ status: 'revoked', revocation: { reason: 'cessationOfOperation', legalGround: 'holder-request' } });
    expect(read.json().history.map((h: { type: string }) => h.type)).toEqual(['CertificateIssued', 'CertificateDelivered', 'CertificateHoldPlaced', 'CertificateRevoked']);
  });

  it('records a future-dated revocation now, effective at its instant', async () => {
    const cert = await issued();
    const effectiveAt = new Date(Date.now() + 90 * 86_400_000).toISOString();
    const res = await post(`/v1/certificates/${cert.serialNumber}/revocation`, OPERATOR, { reason: 'affiliationChanged', legalGround: 'registry-change', effectiveAt });
    expect(res.statusCode).toBe(200);
    const read = await get(`/v1/certificates/${cert.serialNumber}`, AUDITOR);
    expect(read.json().revocation).toMatchObject({ effectiveAt });
  });

  it('supersedes the holder’s previous certificate of the type when a new one is issued', async () => {
    const holder = applicant();
    const first = await issued({ applicant: holder });
    const second = await issued({ applicant: { ...holder, address: '東京都千代田区霞が関２－１' } });
    const old = await get(`/v1/certificates/${first.serialNumber}`, OPERATOR);
    expect(old.json()).toMatchObject({ status: 'revoked', revocation: { reason: 'superseded', supersededBy: second.serialNumber } });
    expect((await get(`/v1/certificates/${second.serialNumber}`, OPERATOR)).json().status).toBe('issued');
  });

  it('records every read of personal information, with the stated purpose or the role’s duty', async () => {
    const cert = await issued();
    const accessEvents = async () => {
      const all = await collect(t.store.readAll());
      return all.filter((e) => e.type === 'PersonalInformationAccessed');
    };
    const before = (await accessEvents()).length;
    const app = await get(`/v1/applications/${cert.id}`, CLERK);
    expect(app.statusCode).toBe(200);
    expect(app.json()).toMatchObject({ status: 'issued', serialNumber: cert.serialNumber, personal: { name: '山田 太郎' } });
    await get(`/v1/certificates/${cert.serialNumber}?purpose=audit`, AUDITOR);
    const records = (await accessEvents()).slice(before);
    expect(records.map((e) => e.data)).toEqual([
      expect.objectContaining({ function: 'application.read', purpose: 'application-processing', purposeStated: false, subject: { kind: 'application', id: cert.id } }),
      expect.objectContaining({ function: 'certificate.read', purpose: 'audit', purposeStated: true, items: ['name', 'dateOfBirth', 'sex', 'address'] }),
    ]);
    expect(records.map((e) => e.metadata.actor.id)).toEqual(['clerk-1', 'aud-1']);
    expect(JSON.stringify(records.map((e) => e.data))).not.toContain('山田');
    expect((await get(`/v1/applications/${cert.id}?purpose=curiosity`, CLERK)).json().errors[0].field).toBe('query.purpose');
  });

  it('lets exactly one of two concurrent commands on one application win; the other gets 409', async () => {
    const id = await submitted();
    const body = { result: 'verified', method: 'photo-id', documentType: 'passport' };
    const results = await Promise.all([post(`/v1/applications/${id}/identity-verification`, CLERK, body), post(`/v1/applications/${id}/identity-verification`, CLERK, body)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
  });

  it('repeats nothing when a command is retried with the same Idempotency-Key', async () => {
    const headers = { ...CLERK, 'idempotency-key': `retry-${residentCode}` };
    const body = { certificateType: 'signing', municipalityCode: '131016', applicant: applicant() };
    const first = await post('/v1/applications', headers, body);
    const before = await t.store.headPosition();
    const second = await post('/v1/applications', headers, body);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(await t.store.headPosition()).toBe(before);
  });

  it('admits only the roles each route declares', async () => {
    const id = await submitted();
    expect((await post(`/v1/applications/${id}/issuance`, CLERK)).statusCode).toBe(403);
    expect((await post('/v1/applications', OPERATOR, {})).statusCode).toBe(403);
    expect((await get(`/v1/applications/${id}`, bearer(tokenFor({ role: 'relying-party' })))).statusCode).toBe(403);
  });
});
