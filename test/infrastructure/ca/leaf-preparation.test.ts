/** prepare builds what will be signed (and refuses what breaks the profile); sign signs exactly that, or nothing. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuingCa, LeafRequest } from '../../../domain/ports/certificate-authority.js';
import type { Signer } from '../../../domain/ports/signer.js';
import { FileKeyStore } from '../../../infrastructure/ca/file-key-store.js';
import { prepare, sign } from '../../../infrastructure/ca/leaf-certificate.js';
import { PERSONAL, createTestCa, residentKey, signingRequest, userAuthenticationRequest } from './fixtures.js';
import { workDir } from '../../support/openssl.js';

describe('prepare, then sign', () => {
  const dir = workDir();
  const store = new FileKeyStore(`${dir.path}/keys`);
  let signingCa: IssuingCa;
  let authCa: IssuingCa;
  let spki: string;

  beforeAll(async () => {
    [signingCa, authCa, { spki }] = await Promise.all([
      createTestCa(store, 'signing', 'ECDSA-P256'),
      createTestCa(store, 'user-authentication', 'ECDSA-P256'),
      residentKey('ECDSA-P256'),
    ]);
  });
  afterAll(() => dir.remove());

  /** Counts the signatures asked for, so a refusal can be shown to happen before signing. */
  const countingSigner = (inner: Signer = store) => {
    const counter = { calls: 0, signer: { sign: (keyId: string, data: Uint8Array) => ((counter.calls += 1), inner.sign(keyId, data)) } };
    return counter;
  };

  it('returns the request, the TBSCertificate and its SHA-256, the same for the same request', async () => {
    const request = signingRequest(spki);
    const prepared = await prepare(signingCa, request);
    expect(prepared.request).toBe(request);
    expect(prepared.tbsSha256).toBe(createHash('sha256').update(Buffer.from(prepared.tbsCertificate, 'base64')).digest('hex'));
    expect(await prepare(signingCa, request)).toEqual(prepared);
  });

  it('signs nothing when the TBSCertificate no longer matches its recorded hash', async () => {
    const prepared = await prepare(signingCa, signingRequest(spki));
    const tbs = Buffer.from(prepared.tbsCertificate, 'base64');
    tbs[tbs.length - 1]! ^= 0x01;
    const counter = countingSigner();
    await expect(sign(signingCa, { ...prepared, tbsCertificate: tbs.toString('base64') }, counter.signer)).rejects.toThrow(
      'does not match its recorded SHA-256',
    );
    expect(counter.calls).toBe(0);
  });

  it('signs nothing for another CA than the one it was prepared for', async () => {
    const prepared = await prepare(signingCa, signingRequest(spki));
    const counter = countingSigner();
    await expect(sign({ ...authCa, type: 'signing' }, prepared, counter.signer)).rejects.toThrow('names another issuer than this CA');
    expect(counter.calls).toBe(0);
  });

  it('releases no certificate when the signer’s signature does not verify with the CA key', async () => {
    const prepared = await prepare(signingCa, signingRequest(spki));
    const wrongKey: Signer = { sign: (_keyId, data) => store.sign(authCa.keyId, data) };
    await expect(sign(signingCa, prepared, wrongKey)).rejects.toThrow("does not verify with the CA's public key");
  });

  it('accepts whole-second instants written with a zero fraction or another offset', async () => {
    await expect(prepare(signingCa, signingRequest(spki, { notBefore: '2025-03-31T15:00:00.000Z', notAfter: '2030-06-15T14:59:59Z' }))).resolves.toBeDefined();
  });

  const refusals: [string, (request: LeafRequest) => LeafRequest, string][] = [
    ['a serial with an odd number of digits', (r) => ({ ...r, serialNumber: 'ABC' }), 'even number of digits'],
    ['a lowercase serial', (r) => ({ ...r, serialNumber: 'abcd' }), 'uppercase hex'],
    ['a serial starting 00', (r) => ({ ...r, serialNumber: '00AB' }), 'must not start with 00'],
    ['a zero serial', (r) => ({ ...r, serialNumber: '00' }), 'must not start with 00'],
    ['a serial over 20 octets once padded', (r) => ({ ...r, serialNumber: 'FF'.repeat(20) }), 'longer than 20 octets'],
    ['a fractional second', (r) => ({ ...r, notBefore: '2025-04-01T00:00:00.500+09:00' }), 'whole seconds'],
    ['an instant without offset', (r) => ({ ...r, notBefore: '2025-04-01T00:00:00' }), 'whole seconds and an offset'],
    ['30 February', (r) => ({ ...r, notAfter: '2030-02-30T23:59:59+09:00' }), 'not a valid date and time'],
    ['24:00', (r) => ({ ...r, notAfter: '2030-02-01T24:00:00+09:00' }), 'not a valid date and time'],
    ['an instant in 1949 UTC (though 1950 in JST)', (r) => ({ ...r, notBefore: '1950-01-01T08:59:59+09:00' }), 'before 1950 (UTC)'],
    ['a two-digit-era year', (r) => ({ ...r, notBefore: '0050-01-01T00:00:00Z' }), 'not a valid date and time'],
    ['notAfter before notBefore', (r) => ({ ...r, notAfter: '2025-03-31T00:00:00+09:00' }), 'notAfter is before notBefore'],
    ['a URL that IA5String cannot hold', (r) => ({ ...r, ocspUrl: 'http://例え.jp/ocsp' }), 'printable ASCII'],
    ['no CRL distribution point', (r) => ({ ...r, crlDistributionPoints: [] }), 'at least one CRL distribution point'],
    ['a public key that is not DER', (r) => ({ ...r, subjectPublicKeyInfo: Buffer.from('not a key').toString('base64') }), 'not a DER SubjectPublicKeyInfo'],
    ['a user-authentication request to the signing CA', () => userAuthenticationRequest(spki), 'cannot be issued by the signing CA'],
    ['a signing request without personal attributes', ({ personal: _personal, ...rest }) => rest, 'needs the personal attributes'],
  ];

  it.each(refusals)('refuses %s', async (_, change, message) => {
    await expect(prepare(signingCa, change(signingRequest(spki)))).rejects.toThrow(message);
  });

  it('refuses personal data or localities in a user-authentication certificate', async () => {
    await expect(prepare(authCa, userAuthenticationRequest(spki, { personal: PERSONAL }))).rejects.toThrow('carries no personal attributes');
    await expect(prepare(authCa, userAuthenticationRequest(spki, { subject: { localities: ['Tokyo-to'], commonName: 'X' } }))).rejects.toThrow(
      'C=JP, CN=<id> only',
    );
  });

  it('refuses a CA whose key id is not the key of its certificate', async () => {
    await expect(prepare({ ...signingCa, keyId: authCa.keyId }, signingRequest(spki))).rejects.toThrow('is not the key of the CA certificate');
  });
});
