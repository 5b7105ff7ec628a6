/** Signed answers as openssl reads them, the unsigned error answers, and what is never released. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuingCa, KeyAlgorithm } from '../../../../domain/ports/certificate-authority.js';
import type { GeneratedKey, Signer } from '../../../../domain/ports/signer.js';
import { FileKeyStore } from '../../../../infrastructure/ca/file-key-store.js';
import { certIdFor } from '../../../../infrastructure/ca/ocsp/cert-id.js';
import { ocspErrorResponse, signOcspResponse, type OcspErrorStatus, type OcspResponder, type SingleResponseInput } from '../../../../infrastructure/ca/ocsp/ocsp-response.js';
import { createResponderCertificate } from '../../../../infrastructure/ca/ocsp/responder-certificate.js';
import { LEAF_VALIDITY, createTestCa, randomSerial } from '../fixtures.js';
import { openssl, opensslOk, toPem, workDir } from '../../../support/openssl.js';

const SERIAL = '0A1B2C3D4E5F';
const TIMES = { producedAt: '2026-01-01T09:00:00+09:00', thisUpdate: '2026-01-01T09:00:00+09:00', nextUpdate: '2026-01-02T09:00:00+09:00' };

describe('OCSP responses', () => {
  const dir = workDir();
  const store = new FileKeyStore(`${dir.path}/keys`);
  const cas = new Map<KeyAlgorithm, IssuingCa>();
  /** The responder of each CA has a key of the other algorithm, so both mixes are exercised. */
  const responders = new Map<KeyAlgorithm, OcspResponder & { key: GeneratedKey }>();

  beforeAll(async () => {
    await Promise.all(
      (['RSA-2048', 'ECDSA-P256'] as const).map(async (algorithm) => {
        const [ca, key] = await Promise.all([createTestCa(store, 'signing', algorithm), store.generate(algorithm === 'RSA-2048' ? 'ECDSA-P256' : 'RSA-2048')]);
        const certificate = await createResponderCertificate(
          { ca, responderKeyId: key.keyId, responderSpki: key.subjectPublicKeyInfo, serialNumber: randomSerial(), ...LEAF_VALIDITY, subjectCommonName: 'OCSP Responder' },
          store,
        );
        cas.set(algorithm, ca);
        responders.set(algorithm, { certificate, keyId: key.keyId, key });
      }),
    );
  });
  afterAll(() => dir.remove());

  const single = (ca: IssuingCa, status: SingleResponseInput['status'], serial = SERIAL): SingleResponseInput => ({
    certId: certIdFor(ca, serial, 'sha1'),
    status,
    thisUpdate: TIMES.thisUpdate,
    nextUpdate: TIMES.nextUpdate,
  });
  const text = (response: Uint8Array) => opensslOk(['ocsp', '-respin', dir.write('response.der', response), '-resp_text', '-noverify']);

  it.each(['RSA-2048', 'ECDSA-P256'] as const)('verifies under openssl against a %s root, signed by a responder with the other key type', async (algorithm) => {
    const ca = cas.get(algorithm)!;
    const now = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    const response = await signOcspResponse({ responder: responders.get(algorithm)!, producedAt: now, responses: [{ certId: certIdFor(ca, SERIAL, 'sha1'), status: { kind: 'good' }, thisUpdate: now }] }, store);
    const root = dir.write(`root-${algorithm}.pem`, toPem(ca.certificate));
    const output = opensslOk(['ocsp', '-respin', dir.write(`now-${algorithm}.der`, response), '-issuer', root, '-serial', `0x${SERIAL}`, '-CAfile', root]);
    expect(output).toContain(`0x${SERIAL}: good`);
    expect(output).not.toContain('Next Update');
  });

  it('says each status, in GeneralizedTime UTC, names the responder by key and carries its certificate', async () => {
    const ca = cas.get('RSA-2048')!;
    const responder = responders.get('RSA-2048')!;
    const response = await signOcspResponse(
      {
        responder,
        producedAt: TIMES.producedAt,
        responses: [
          single(ca, { kind: 'revoked', revocationTime: '2025-12-24T18:00:00+09:00', reason: 'certificateHold' }),
          single(ca, { kind: 'revoked', revocationTime: '2025-12-25T00:00:00Z', reason: 'unspecified' }, '0B'),
          single(ca, { kind: 'unknown' }, '0C'),
        ],
      },
      store,
    );
    const output = text(response);
    expect(output).toContain('Produced At: Jan  1 00:00:00 2026 GMT');
    expect(output).toMatch(/Serial Number: 0A1B2C3D4E5F\n\s+Cert Status: revoked\n\s+Revocation Time: Dec 24 09:00:00 2025 GMT\n\s+Revocation Reason: certificateHold \(0x6\)\n\s+This Update: Jan {2}1 00:00:00 2026 GMT\n\s+Next Update: Jan {2}2 00:00:00 2026 GMT/);
    // unspecified is said by leaving the reason out, as the CRL does.
    expect(output).toMatch(/Serial Number: 0B\n\s+Cert Status: revoked\n\s+Revocation Time: Dec 25 00:00:00 2025 GMT\n\s+This Update/);
    expect(output).toMatch(/Serial Number: 0C\n\s+Cert Status: unknown\n/);
    expect(output).not.toContain('Response Extensions');
    const subjectKeyId = /Subject Key Identifier: ?\n\s+([0-9A-F:]+)/.exec(opensslOk(['x509', '-noout', '-text', '-in', dir.write('responder.pem', toPem(responder.certificate))]))?.[1];
    expect(output).toContain(`Responder Id: ${subjectKeyId?.replaceAll(':', '')}`);
    expect(output).toContain('CN=OCSP Responder');
  });

  it('echoes the nonce it is given', async () => {
    const ca = cas.get('ECDSA-P256')!;
    const nonce = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const output = text(await signOcspResponse({ responder: responders.get('ECDSA-P256')!, producedAt: TIMES.producedAt, responses: [single(ca, { kind: 'good' })], nonce }, store));
    expect(output).toMatch(/Response Extensions:\n\s+OCSP Nonce: ?\n\s+041000112233445566778899AABBCCDDEEFF/);
  });

  it('comes out byte for byte the same for the same inputs with an RSA responder', async () => {
    const params = { responder: responders.get('ECDSA-P256')!, producedAt: TIMES.producedAt, responses: [single(cas.get('ECDSA-P256')!, { kind: 'good' })], nonce: Uint8Array.of(1, 2, 3) };
    expect(Buffer.from(await signOcspResponse(params, store)).equals(await signOcspResponse(params, store))).toBe(true);
  });

  it.each([
    ['malformedRequest', 'malformedrequest (1)'],
    ['internalError', 'internalerror (2)'],
    ['tryLater', 'trylater (3)'],
    ['unauthorized', 'unauthorized (6)'],
  ] as const satisfies readonly (readonly [OcspErrorStatus, string])[])('answers %s unsigned, with the status alone', (status, printed) => {
    const response = ocspErrorResponse(status);
    expect(response.length).toBe(5);
    const result = openssl(['ocsp', '-respin', dir.write(`${status}.der`, response), '-resp_text']);
    expect(result.stdout + result.stderr).toContain(`Responder Error: ${printed}`);
  });

  describe('releases nothing', () => {
    const counting = (inner: Signer) => {
      const counter = { calls: 0, signer: { sign: (keyId: string, data: Uint8Array) => ((counter.calls += 1), inner.sign(keyId, data)) } };
      return counter;
    };

    it('when the signature does not verify with the responder certificate’s key', async () => {
      const ca = cas.get('RSA-2048')!;
      const wrongKey: Signer = { sign: (_keyId, data) => store.sign(ca.keyId, data) };
      await expect(signOcspResponse({ responder: responders.get('RSA-2048')!, producedAt: TIMES.producedAt, responses: [single(ca, { kind: 'good' })] }, wrongKey)).rejects.toThrow(
        "does not verify with the OCSP responder's public key",
      );
    });

    it.each([
      { when: 'the key id is not the responder certificate’s key', change: { keyId: 'RSA-2048' as const }, message: 'is not the key of the responder certificate' },
      { when: 'nextUpdate comes before thisUpdate', change: { nextUpdate: '2025-12-31T00:00:00Z' }, message: 'nextUpdate is before thisUpdate' },
      { when: 'a time has fractions of a second', change: { producedAt: '2026-01-01T00:00:00.5Z' }, message: 'producedAt must be an ISO instant with whole seconds' },
      { when: 'there is nothing to answer', change: { responses: 'none' as const }, message: 'at least one request' },
    ])('when $when, before asking for a signature', async ({ change, message }) => {
      const ca = cas.get('ECDSA-P256')!;
      const responder = responders.get('ECDSA-P256')!;
      const counter = counting(store);
      const params = {
        responder: 'keyId' in change ? { ...responder, keyId: responders.get(change.keyId)!.keyId } : responder,
        producedAt: 'producedAt' in change ? change.producedAt : TIMES.producedAt,
        responses: 'responses' in change ? [] : [{ ...single(ca, { kind: 'good' }), ...('nextUpdate' in change ? { nextUpdate: change.nextUpdate } : {}) }],
      };
      await expect(signOcspResponse(params, counter.signer)).rejects.toThrow(message);
      expect(counter.calls).toBe(0);
    });
  });
});
