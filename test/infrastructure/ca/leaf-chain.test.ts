/** Every combination of type, CA key and resident key yields a certificate that chains to its own root. */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateType, IssuingCa, KeyAlgorithm } from '../../../domain/ports/certificate-authority.js';
import { FileKeyStore } from '../../../infrastructure/ca/file-key-store.js';
import { X509CertificateAuthority } from '../../../infrastructure/ca/x509-certificate-authority.js';
import { VERIFY_AT, createTestCa, residentKey, signingRequest, userAuthenticationRequest, type ResidentKey } from './fixtures.js';
import { openssl, opensslOk, toPem, workDir } from '../../support/openssl.js';

const TYPES = ['signing', 'user-authentication'] as const satisfies readonly CertificateType[];
const ALGORITHMS = ['RSA-2048', 'ECDSA-P256'] as const satisfies readonly KeyAlgorithm[];

describe('leaf certificates chain to their root', () => {
  const dir = workDir();
  const store = new FileKeyStore(`${dir.path}/keys`);
  const authority = new X509CertificateAuthority(store);
  const cas = new Map<string, IssuingCa>();
  const residents = new Map<KeyAlgorithm, ResidentKey>();

  beforeAll(async () => {
    await Promise.all([
      ...TYPES.flatMap((type) => ALGORITHMS.map(async (algorithm) => cas.set(`${type}/${algorithm}`, await createTestCa(store, type, algorithm)))),
      ...ALGORITHMS.map(async (algorithm) => residents.set(algorithm, await residentKey(algorithm))),
    ]);
  });
  afterAll(() => dir.remove());

  const cases = TYPES.flatMap((type) => ALGORITHMS.flatMap((caKey) => ALGORITHMS.map((residentAlgorithm) => ({ type, caKey, residentAlgorithm }))));

  it.each(cases)('$type, CA key $caKey, resident key $residentAlgorithm', async ({ type, caKey, residentAlgorithm }) => {
    const ca = cas.get(`${type}/${caKey}`)!;
    const spki = residents.get(residentAlgorithm)!.spki;
    const request = type === 'signing' ? signingRequest(spki) : userAuthenticationRequest(spki);

    const prepared = await authority.prepare(ca, request);
    const certificate = await authority.sign(ca, prepared);

    // openssl accepts the chain, strictly.
    const rootFile = dir.write(`${type}-${caKey}-root.pem`, toPem(ca.certificate));
    const leafFile = dir.write(`${type}-${caKey}-${residentAlgorithm}.pem`, toPem(certificate));
    expect(opensslOk(['verify', '-x509_strict', '-attime', VERIFY_AT, '-CAfile', rootFile, leafFile])).toBe(`${leafFile}: OK\n`);

    // The TBSCertificate inside is the one whose hash prepare returned, byte for byte.
    const asn = AsnConvert.parse(Buffer.from(certificate, 'base64'), Certificate);
    const tbs = new Uint8Array(asn.tbsCertificateRaw!);
    expect(Buffer.from(tbs).toString('base64')).toBe(prepared.tbsCertificate);
    expect(createHash('sha256').update(tbs).digest('hex')).toBe(prepared.tbsSha256);

    // And the signature over it verifies with the root's public key.
    const rootAsn = AsnConvert.parse(Buffer.from(ca.certificate, 'base64'), Certificate);
    const rootKey = createPublicKey({ key: Buffer.from(AsnConvert.serialize(rootAsn.tbsCertificate.subjectPublicKeyInfo)), format: 'der', type: 'spki' });
    expect(verify('sha256', tbs, { key: rootKey, dsaEncoding: 'der' }, new Uint8Array(asn.signatureValue))).toBe(true);
  });

  it('does not chain to the root of the other type', async () => {
    const ca = cas.get('signing/RSA-2048')!;
    const certificate = await authority.sign(ca, await authority.prepare(ca, signingRequest(residents.get('ECDSA-P256')!.spki)));
    const otherRoot = dir.write('other-root.pem', toPem(cas.get('user-authentication/RSA-2048')!.certificate));
    const leafFile = dir.write('cross.pem', toPem(certificate));
    const result = openssl(['verify', '-attime', VERIFY_AT, '-CAfile', otherRoot, leafFile]);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('unable to get local issuer certificate');
  });
});
