/** The delegated OCSP responder certificate: issued by its CA, for OCSP signing only, exempt from status checks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuingCa, KeyAlgorithm } from '../../../../domain/ports/certificate-authority.js';
import type { GeneratedKey } from '../../../../domain/ports/signer.js';
import { TAG, childrenOf, readSingle } from '../../../../infrastructure/ca/der.js';
import { FileKeyStore } from '../../../../infrastructure/ca/file-key-store.js';
import { createResponderCertificate, type ResponderCertificateParams } from '../../../../infrastructure/ca/ocsp/responder-certificate.js';
import { LEAF_VALIDITY, VERIFY_AT, createTestCa } from '../fixtures.js';
import { openssl, opensslOk, toPem, workDir } from '../../../support/openssl.js';

describe.each(['RSA-2048', 'ECDSA-P256'] as const satisfies readonly KeyAlgorithm[])('a responder certificate from a %s CA', (algorithm) => {
  const dir = workDir();
  const store = new FileKeyStore(`${dir.path}/keys`);
  let ca: IssuingCa;
  let otherCa: IssuingCa;
  let key: GeneratedKey;
  let params: ResponderCertificateParams;
  let rootFile: string;
  let responderFile: string;

  beforeAll(async () => {
    [ca, otherCa, key] = await Promise.all([createTestCa(store, 'signing', algorithm), createTestCa(store, 'signing', algorithm), store.generate(algorithm)]);
    params = {
      ca,
      responderKeyId: key.keyId,
      responderSpki: key.subjectPublicKeyInfo,
      serialNumber: '7B0C5E11A2D3F40516',
      ...LEAF_VALIDITY,
      subjectCommonName: 'OCSP Responder 2025-04',
    };
    rootFile = dir.write('root.pem', toPem(ca.certificate));
    responderFile = dir.write('responder.pem', toPem(await createResponderCertificate(params, store)));
  });
  afterAll(() => dir.remove());

  it('chains to its root under openssl -x509_strict, and not to another root of the same name', () => {
    expect(opensslOk(['verify', '-x509_strict', '-attime', VERIFY_AT, '-CAfile', rootFile, responderFile])).toBe(`${responderFile}: OK\n`);
    const otherRoot = dir.write('other-root.pem', toPem(otherCa.certificate));
    expect(openssl(['verify', '-attime', VERIFY_AT, '-CAfile', otherRoot, responderFile]).status).not.toBe(0);
  });

  it('is for OCSP signing only, with OCSP No Check and a critical digitalSignature keyUsage', () => {
    const text = opensslOk(['x509', '-noout', '-text', '-in', responderFile]);
    expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Digital Signature\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage: \n\s+OCSP Signing\n/);
    expect(text).toMatch(/OCSP No Check: ?\n/);
    expect(text).not.toContain('Basic Constraints');
    expect(text).toContain('Serial Number:\n            7b:0c:5e:11:a2:d3:f4:05:16');
  });

  it('is named as its CA with the CN appended, and names the CA as issuer', () => {
    const subject = opensslOk(['x509', '-noout', '-subject', '-issuer', '-nameopt', 'oneline', '-in', responderFile]);
    const root = 'C = JP, O = JPKI, OU = JPKI for digital signature, OU = Japan Agency for Local Authority Information Systems';
    expect(subject).toBe(`subject=${root}, CN = OCSP Responder 2025-04\nissuer=${root}\n`);
  });

  // RSA PKCS#1 v1.5 signatures are deterministic, ECDSA ones randomised: the whole certificate, or its TBS, repeats.
  it(`comes out the same for the same inputs (${algorithm === 'RSA-2048' ? 'byte for byte' : 'its TBSCertificate; ECDSA signatures are randomised'})`, async () => {
    const [first, second] = [await createResponderCertificate(params, store), await createResponderCertificate(params, store)];
    const tbsOf = (base64: string) => Buffer.from(childrenOf(readSingle(Buffer.from(base64, 'base64'), TAG.sequence))[0]!.bytes).toString('hex');
    if (algorithm === 'RSA-2048') expect(first).toBe(second);
    else expect(tbsOf(first)).toBe(tbsOf(second));
  });

  it('refuses a key id that is not the given key’s, and the CA’s own key', async () => {
    await expect(createResponderCertificate({ ...params, responderKeyId: ca.keyId }, store)).rejects.toThrow('is not the SHA-256 of the given public key');
    const caSpki = opensslOk(['x509', '-noout', '-pubkey', '-in', rootFile]).replace(/-----[^-]+-----|\s/g, '');
    await expect(createResponderCertificate({ ...params, responderKeyId: ca.keyId, responderSpki: caSpki }, store)).rejects.toThrow('needs a key of its own');
  });
});
