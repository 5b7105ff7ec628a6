/**
 * OCSP through the ledger's own server, asked by `openssl ocsp`: good, then revoked with its
 * reason; on hold; unknown; unauthorized; malformed; with and without a nonce; GET with RFC 5019
 * caching headers. The answers agree with the status API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../api/server.js';
import { loadConfig } from '../../infrastructure/config/config.js';
import { openssl, opensslAsync, workDir } from '../support/openssl.js';
import { residentCsr } from '../support/resident-csr.js';
import { tempDir } from '../support/temp-dir.js';
import { bearer, tokenFor } from '../support/test-app.js';

const SECRET = 'ocsp-test-secret-of-at-least-thirty-two-chars';
const CLERK = bearer(tokenFor({ role: 'municipal-clerk', municipality: '131016' }, { secret: SECRET, issuer: 'jpki-ledger' }));
const OPERATOR = bearer(tokenFor({ role: 'prefectural-operator' }, { secret: SECRET, issuer: 'jpki-ledger' }));

describe('the OCSP responder', () => {
  const data = tempDir();
  const dir = workDir();
  let server: RunningServer;
  let rootPath: string;
  let otherRootPath: string;
  let code = 70000000000;

  beforeAll(async () => {
    server = await startServer(loadConfig({ LEDGER_DATA_DIR: data.path, PORT: '0', LEDGER_JWT_SECRET: SECRET, LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' }));
    rootPath = dir.write('signing-root.pem', await (await fetch(`${server.url}/v1/ca/signing/certificate`)).text());
    otherRootPath = dir.write('auth-root.pem', await (await fetch(`${server.url}/v1/ca/user-authentication/certificate`)).text());
  });
  afterAll(async () => {
    await server.close();
    data.remove();
    dir.remove();
  });

  const post = async (path: string, headers: Record<string, string>, body?: object) => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, json: (await res.json()) as Record<string, string> };
  };

  async function issue(type: 'signing' | 'user-authentication' = 'signing'): Promise<{ serialNumber: string; path: string; position: string }> {
    code += 1;
    const applicant = { residentRecordCode: String(code), name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区' };
    const id = (await post('/v1/applications', CLERK, { certificateType: type, municipalityCode: '131016', applicant })).json.applicationId;
    await post(`/v1/applications/${id}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'passport' });
    await post(`/v1/applications/${id}/public-key`, CLERK, { csr: await residentCsr() });
    const issued = (await post(`/v1/applications/${id}/issuance`, OPERATOR)).json;
    return { serialNumber: issued.serialNumber as string, path: dir.write(`${issued.serialNumber}.pem`, issued.certificatePem as string), position: issued.position as string };
  }

  const waitFor = async (serialNumber: string, position: string) => {
    const res = await fetch(`${server.url}/v1/certificates/${serialNumber}/status?minPosition=${position}`, { headers: OPERATOR });
    return (await res.json()) as { status: string };
  };

  const ask = (leaf: string, extra: string[] = [], root = rootPath) =>
    opensslAsync(['ocsp', '-issuer', root, '-cert', leaf, '-url', `${server.url}/v1/ocsp/signing`, '-CAfile', root, ...extra]);

  it('answers good for a fresh certificate, with and without a nonce, verified against the root', async () => {
    const cert = await issue();
    await waitFor(cert.serialNumber, cert.position);
    for (const extra of [[], ['-no_nonce']]) {
      const result = await ask(cert.path, extra);
      expect(result.stdout).toContain(`${cert.path}: good`);
      expect(result.stderr).toContain('Response verify OK');
      expect(result.stderr + result.stdout).not.toMatch(/WARNING|nonce verify error/i);
    }
  });

  it('answers revoked with time and reason after a revocation, agreeing with the status API', async () => {
    const cert = await issue();
    const revoked = await post(`/v1/certificates/${cert.serialNumber}/revocation`, OPERATOR, { reason: 'keyCompromise', legalGround: 'key-compromise' });
    expect((await waitFor(cert.serialNumber, revoked.json.position as string)).status).toBe('revoked');
    for (const extra of [[], ['-no_nonce']]) {
      const result = await ask(cert.path, extra);
      expect(result.stdout).toContain(`${cert.path}: revoked`);
      expect(result.stdout).toContain('Reason: keyCompromise');
      expect(result.stdout).toContain('Revocation Time:');
    }
  });

  it('answers a hold as revoked with reason certificateHold', async () => {
    const cert = await issue();
    const held = await post(`/v1/certificates/${cert.serialNumber}/hold`, OPERATOR, { reportedBy: 'call-centre' });
    expect((await waitFor(cert.serialNumber, held.json.position as string)).status).toBe('on-hold');
    const result = await ask(cert.path, ['-no_nonce']);
    expect(result.stdout).toContain('Reason: certificateHold');
  });

  it('answers unknown for a serial this CA never issued, unauthorized for another CA’s certificate', async () => {
    const unknown = await opensslAsync(['ocsp', '-issuer', rootPath, '-serial', '0x0123456789ABCDEF', '-url', `${server.url}/v1/ocsp/signing`, '-CAfile', rootPath]);
    expect(unknown.stdout).toContain('0x0123456789ABCDEF: unknown');
    const auth = await issue('user-authentication');
    const unauthorized = await opensslAsync(['ocsp', '-issuer', otherRootPath, '-cert', auth.path, '-url', `${server.url}/v1/ocsp/signing`, '-CAfile', otherRootPath]);
    expect(unauthorized.stdout + unauthorized.stderr).toContain('Responder Error: unauthorized (6)');
  });

  it('answers malformedRequest for bytes that are not a request, never a 500', async () => {
    const res = await fetch(`${server.url}/v1/ocsp/signing`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: 'not an ocsp request' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/ocsp-response');
    const body = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(body).toString('hex')).toBe('30030a0101');
  });

  it('serves GET requests pre-signed with RFC 5019 caching headers, the same bytes each time', async () => {
    const cert = await issue();
    await waitFor(cert.serialNumber, cert.position);
    const requestPath = dir.path + '/req.der';
    openssl(['ocsp', '-issuer', rootPath, '-cert', cert.path, '-no_nonce', '-reqout', requestPath]);
    const request = Buffer.from(openssl(['base64', '-A', '-in', requestPath]).stdout.trim());
    const url = `${server.url}/v1/ocsp/signing/${encodeURIComponent(request.toString())}`;
    const first = await fetch(url);
    const second = await fetch(url);
    expect(first.headers.get('cache-control')).toMatch(/^max-age=\d+, public, no-transform, must-revalidate$/);
    expect(first.headers.get('etag')).toBe(second.headers.get('etag'));
    expect(Date.parse(first.headers.get('expires') ?? '')).toBeGreaterThan(Date.parse(first.headers.get('last-modified') ?? ''));
    const firstBytes = Buffer.from(await first.arrayBuffer());
    expect(Buffer.from(await second.arrayBuffer()).equals(firstBytes)).toBe(true);
    const responsePath = dir.write('resp.der', firstBytes);
    const parsed = openssl(['ocsp', '-respin', responsePath, '-issuer', rootPath, '-cert', cert.path, '-CAfile', rootPath]);
    expect(parsed.stdout).toContain(': good');
    expect(parsed.stderr).toContain('Response verify OK');
  });

  it('answers the same GET URL afresh after the certificate is revoked, and a GET for another CA as unauthorized every time', async () => {
    const cert = await issue();
    await waitFor(cert.serialNumber, cert.position);
    const getUrl = (leaf: string, root: string, type: string) => {
      const requestPath = `${dir.path}/req-${Math.random().toString(36).slice(2)}.der`;
      openssl(['ocsp', '-issuer', root, '-cert', leaf, '-no_nonce', '-reqout', requestPath]);
      return `${server.url}/v1/ocsp/${type}/${encodeURIComponent(openssl(['base64', '-A', '-in', requestPath]).stdout.trim())}`;
    };
    const statusOf = async (url: string) => {
      const responsePath = dir.write(`resp-${Math.random().toString(36).slice(2)}.der`, Buffer.from(await (await fetch(url)).arrayBuffer()));
      return openssl(['ocsp', '-respin', responsePath, '-issuer', rootPath, '-cert', cert.path, '-CAfile', rootPath]).stdout;
    };
    const url = getUrl(cert.path, rootPath, 'signing');
    expect(await statusOf(url)).toContain(': good');
    const revoked = await post(`/v1/certificates/${cert.serialNumber}/revocation`, OPERATOR, { reason: 'keyCompromise', legalGround: 'key-compromise' });
    expect((await waitFor(cert.serialNumber, revoked.json.position as string)).status).toBe('revoked');
    const after = await statusOf(url);
    expect(after).toContain(': revoked');
    expect(after).toContain('Reason: keyCompromise');

    const auth = await issue('user-authentication');
    const foreign = getUrl(auth.path, otherRootPath, 'signing');
    for (let i = 0; i < 2; i++) expect(Buffer.from(await (await fetch(foreign)).arrayBuffer()).toString('hex')).toBe('30030a0106');
  });
});
