/**
 * `openssl ocsp` as the relying party, against the test responder: it must accept the delegated
 * responder, read good, revoked (with reason) and unknown, see its nonce echoed, and get the error
 * statuses for another CA's certificates and for garbage.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuingCa, KeyAlgorithm } from '../../../../domain/ports/certificate-authority.js';
import type { Signer } from '../../../../domain/ports/signer.js';
import { FileKeyStore } from '../../../../infrastructure/ca/file-key-store.js';
import { MAX_OCSP_REQUEST_BYTES } from '../../../../infrastructure/ca/ocsp/ocsp-request.js';
import { ocspErrorResponse, type CertStatus } from '../../../../infrastructure/ca/ocsp/ocsp-response.js';
import { createResponderCertificate } from '../../../../infrastructure/ca/ocsp/responder-certificate.js';
import { X509CertificateAuthority } from '../../../../infrastructure/ca/x509-certificate-authority.js';
import { createTestCa, randomSerial, residentKey, signingRequest, userAuthenticationRequest } from '../fixtures.js';
import { openssl, opensslAsync, opensslOk, toPem, workDir } from '../../../support/openssl.js';
import { startTestResponder, type TestResponder } from './support/test-responder.js';

const ALGORITHMS = ['RSA-2048', 'ECDSA-P256'] as const satisfies readonly KeyAlgorithm[];
const NONCE_OPTIONS = [
  { nonce: 'with a nonce', options: [] },
  { nonce: 'with -no_nonce', options: ['-no_nonce'] },
];
const HOUR_MS = 3_600_000;

describe.each(ALGORITHMS)('openssl ocsp, %s CA and responder', (algorithm) => {
  const dir = workDir();
  const store = new FileKeyStore(`${dir.path}/keys`);
  /** Counts the signatures asked for: an answer without a nonce must cost none. */
  const signatures = { count: 0 };
  const signer: Signer = { sign: (keyId, data) => ((signatures.count += 1), store.sign(keyId, data)) };
  const files = { root: '', good: '', revoked: '', unknown: '', otherRoot: '', otherLeaf: '' };
  let responder: TestResponder;

  beforeAll(async () => {
    const [ca, otherCa, resident, responderKey] = await Promise.all([
      createTestCa(store, 'signing', algorithm),
      createTestCa(store, 'user-authentication', algorithm),
      residentKey(algorithm),
      store.generate(algorithm),
    ]);
    const authority = new X509CertificateAuthority(store);
    const issue = async (issuer: IssuingCa, name: string): Promise<string> => {
      const request = issuer.type === 'signing' ? signingRequest(resident.spki) : userAuthenticationRequest(resident.spki);
      return dir.write(`${name}.pem`, toPem(await authority.sign(issuer, await authority.prepare(issuer, request))));
    };
    files.root = dir.write('root.pem', toPem(ca.certificate));
    files.otherRoot = dir.write('other-root.pem', toPem(otherCa.certificate));
    [files.good, files.revoked, files.unknown, files.otherLeaf] = await Promise.all([
      issue(ca, 'good'),
      issue(ca, 'revoked'),
      issue(ca, 'unknown'),
      issue(otherCa, 'other-leaf'),
    ]);

    // openssl checks the responder certificate against its own clock: valid from an hour ago.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const certificate = await createResponderCertificate(
      {
        ca,
        responderKeyId: responderKey.keyId,
        responderSpki: responderKey.subjectPublicKeyInfo,
        serialNumber: randomSerial(),
        notBefore: new Date(now - HOUR_MS).toISOString(),
        notAfter: new Date(now + 30 * 24 * HOUR_MS).toISOString(),
        subjectCommonName: 'OCSP Responder',
      },
      store,
    );
    const statuses = new Map<string, CertStatus>([
      [serialOf(files.good), { kind: 'good' }],
      [serialOf(files.revoked), { kind: 'revoked', revocationTime: '2026-01-15T09:30:00+09:00', reason: 'keyCompromise' }],
    ]);
    responder = await startTestResponder({ ca, responder: { certificate, keyId: responderKey.keyId }, signer, statuses });
  });
  afterAll(async () => {
    await responder?.close();
    dir.remove();
  });

  const ask = async (issuer: string, leaf: string, options: readonly string[] = []) => {
    // A digest option must come before -cert, or openssl refuses it.
    const result = await opensslAsync(['ocsp', ...options, '-issuer', issuer, '-cert', leaf, '-url', responder.url, '-CAfile', issuer]);
    return { status: result.status, output: result.stdout + result.stderr };
  };

  /** openssl warns, and still exits 0, when the nonce it sent is missing or different. */
  const expectNonceAccepted = (output: string) => {
    expect(output).not.toContain('WARNING: no nonce in response');
    expect(output).not.toMatch(/nonce verify error/i);
  };

  it.each(NONCE_OPTIONS)('reads good, $nonce', async ({ options }) => {
    const { status, output } = await ask(files.root, files.good, options);
    expect(status).toBe(0);
    expect(output).toContain('Response verify OK');
    expect(output).toContain(`${files.good}: good`);
    expectNonceAccepted(output);
  });

  it.each(NONCE_OPTIONS)('reads revoked with time and reason, $nonce', async ({ options }) => {
    const { status, output } = await ask(files.root, files.revoked, options);
    expect(status).toBe(0);
    expect(output).toContain('Response verify OK');
    expect(output).toContain(`${files.revoked}: revoked`);
    expect(output).toContain('Reason: keyCompromise');
    expect(output).toContain('Revocation Time: Jan 15 00:30:00 2026 GMT');
    expectNonceAccepted(output);
  });

  it.each(NONCE_OPTIONS)('reads unknown for a certificate the table does not hold, $nonce', async ({ options }) => {
    const { status, output } = await ask(files.root, files.unknown, options);
    expect(status).toBe(0);
    expect(output).toContain('Response verify OK');
    expect(output).toContain(`${files.unknown}: unknown`);
    expectNonceAccepted(output);
  });

  it.each(NONCE_OPTIONS)('understands SHA-256 CertIDs, $nonce', async ({ options }) => {
    const good = await ask(files.root, files.good, ['-sha256', ...options]);
    expect(good.output).toContain('Response verify OK');
    expect(good.output).toContain(`${files.good}: good`);
    expectNonceAccepted(good.output);
    const revoked = await ask(files.root, files.revoked, ['-sha256', ...options]);
    expect(revoked.output).toContain(`${files.revoked}: revoked`);
    expect(revoked.output).toContain('Reason: keyCompromise');
  });

  it('answers unauthorized for a certificate of another CA', async () => {
    const { status, output } = await ask(files.otherRoot, files.otherLeaf);
    expect(status).not.toBe(0);
    expect(output).toContain('Responder Error: unauthorized (6)');
  });

  it('serves the pre-signed bytes, unchanged and without signing, when there is no nonce', async () => {
    const before = signatures.count;
    const first = dir.write(`first-${algorithm}.der`, '');
    const second = dir.write(`second-${algorithm}.der`, '');
    await ask(files.root, files.revoked, ['-no_nonce', '-respout', first]);
    await ask(files.root, files.revoked, ['-no_nonce', '-respout', second]);
    expect(readFileSync(second).equals(readFileSync(first))).toBe(true);
    expect(signatures.count).toBe(before);
  });

  it('signs afresh for each nonce and echoes it', async () => {
    const before = signatures.count;
    const request = dir.write(`nonce-request-${algorithm}.der`, '');
    const { output } = await ask(files.root, files.good, ['-reqout', request, '-resp_text']);
    expect(signatures.count).toBe(before + 1);
    const sent = /OCSP Nonce: ?\n\s*([0-9A-F]+)/.exec(opensslOk(['ocsp', '-reqin', request, '-req_text']))?.[1];
    expect(sent).toMatch(/^0410[0-9A-F]{32}$/); // openssl's 16 random octets, as an OCTET STRING
    expect(output).toMatch(new RegExp(`Response Extensions:\\s*OCSP Nonce: ?\\n\\s*${sent}`));
    expectNonceAccepted(output);
  });

  it('answers a GET with the URL-encoded base64 request (openssl itself only POSTs)', async () => {
    const request = dir.write(`get-request-${algorithm}.der`, '');
    opensslOk(['ocsp', '-issuer', files.root, '-cert', files.revoked, '-no_nonce', '-reqout', request]);
    const reply = await fetch(`${responder.url}${encodeURIComponent(readFileSync(request).toString('base64'))}`);
    expect(reply.headers.get('content-type')).toBe('application/ocsp-response');
    const response = dir.write(`get-response-${algorithm}.der`, new Uint8Array(await reply.arrayBuffer()));
    const output = opensslOk(['ocsp', '-respin', response, '-issuer', files.root, '-cert', files.revoked, '-CAfile', files.root]);
    expect(output).toContain(`${files.revoked}: revoked`);
    expect(output).toContain('Reason: keyCompromise');
    expect(responder.methods.filter((method) => method !== 'POST')).toEqual(['GET']);
  });

  it.each([
    { input: 'garbage', body: Buffer.from('not an OCSP request') },
    { input: 'an oversize body', body: Buffer.alloc(MAX_OCSP_REQUEST_BYTES * 4, 0x30) },
  ])('answers malformedRequest to $input', async ({ body }) => {
    const reply = await fetch(responder.url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body });
    expect(reply.status).toBe(200);
    const bytes = new Uint8Array(await reply.arrayBuffer());
    expect(bytes).toEqual(ocspErrorResponse('malformedRequest'));
    const result = openssl(['ocsp', '-respin', dir.write(`malformed-${algorithm}.der`, bytes), '-resp_text']);
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain('Responder Error: malformedrequest (1)');
  });
});

function serialOf(pemFile: string): string {
  return opensslOk(['x509', '-noout', '-serial', '-in', pemFile])
    .trim()
    .replace(/^serial=/, '');
}
