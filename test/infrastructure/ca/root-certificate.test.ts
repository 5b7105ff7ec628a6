import '../../../infrastructure/ca/x509-bootstrap.js';
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { AuthorityKeyIdentifierExtension, SubjectKeyIdentifierExtension, X509Certificate } from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyAlgorithm } from '../../../domain/ports/certificate-authority.js';
import type { GeneratedKey } from '../../../domain/ports/signer.js';
import { FileKeyStore } from '../../../infrastructure/ca/file-key-store.js';
import { createRootCertificate } from '../../../infrastructure/ca/root-certificate.js';
import { ROOT_NAMES, ROOT_VALIDITY, VERIFY_AT } from './fixtures.js';
import { opensslOk, toPem, workDir } from '../../support/openssl.js';

const SIGNATURE_ALGORITHMS: Record<KeyAlgorithm, { name: string; der: string }> = {
  // sha256WithRSAEncryption with NULL parameters; ecdsa-with-SHA256 with none.
  'RSA-2048': { name: 'sha256WithRSAEncryption', der: '300d06092a864886f70d01010b0500' },
  'ECDSA-P256': { name: 'ecdsa-with-SHA256', der: '300a06082a8648ce3d040302' },
};

describe.each(['RSA-2048', 'ECDSA-P256'] as const)('a self-signed root with a %s key', (algorithm) => {
  const dir = workDir();
  const store = new FileKeyStore(`${dir.path}/keys`);
  const serialNumber = '4A5F0C1D2E3F40516273';
  let key: GeneratedKey;
  let root: string;
  let rootFile: string;

  beforeAll(async () => {
    key = await store.generate(algorithm);
    root = await createRootCertificate({ subject: ROOT_NAMES.signing, ...key, ...ROOT_VALIDITY, serialNumber, signer: store });
    rootFile = dir.write('root.pem', toPem(root));
  });
  afterAll(() => dir.remove());

  it('is a CA (critical basicConstraints) for certificates and CRLs (critical keyUsage), says openssl', () => {
    const text = opensslOk(['x509', '-noout', '-text', '-in', rootFile]);
    expect(text).toMatch(/Version: 3 \(0x2\)/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:TRUE\n/);
    expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/);
    expect(text).toContain(`Signature Algorithm: ${SIGNATURE_ALGORITHMS[algorithm].name}`);
    const name = 'C = JP, O = JPKI, OU = JPKI for digital signature, OU = Japan Agency for Local Authority Information Systems';
    expect(text).toContain(`Issuer: ${name}\n`);
    expect(text).toContain(`Subject: ${name}\n`);
  });

  it('verifies against itself under openssl -x509_strict', () => {
    expect(opensslOk(['verify', '-x509_strict', '-attime', VERIFY_AT, '-CAfile', rootFile, rootFile])).toBe(`${rootFile}: OK\n`);
  });

  it('carries the serial and validity it was given, exactly', () => {
    expect(opensslOk(['x509', '-noout', '-serial', '-in', rootFile])).toBe(`serial=${serialNumber}\n`);
    const certificate = new X509Certificate(root);
    expect(certificate.notBefore.toISOString()).toBe(new Date(ROOT_VALIDITY.notBefore).toISOString());
    expect(certificate.notAfter.toISOString()).toBe(new Date(ROOT_VALIDITY.notAfter).toISOString());
  });

  it('signs with the algorithm of its key, with the parameters RFC 4055 / RFC 5758 require', () => {
    const asn = AsnConvert.parse(Buffer.from(root, 'base64'), Certificate);
    expect(Buffer.from(AsnConvert.serialize(asn.signatureAlgorithm)).toString('hex')).toBe(SIGNATURE_ALGORITHMS[algorithm].der);
  });

  it('identifies its key as SHA-1 of the public key bits, as subject and as authority', async () => {
    const bits = AsnConvert.parse(Buffer.from(key.subjectPublicKeyInfo, 'base64'), SubjectPublicKeyInfo).subjectPublicKey;
    const expected = createHash('sha1').update(new Uint8Array(bits)).digest('hex');
    const certificate = new X509Certificate(root);
    expect(certificate.getExtension(SubjectKeyIdentifierExtension)?.keyId).toBe(expected);
    expect(certificate.getExtension(AuthorityKeyIdentifierExtension)?.keyId).toBe(expected);
    expect(await certificate.verify({ signatureOnly: true })).toBe(true);
  });

  it('refuses a key id that is not the key it is given', async () => {
    await expect(
      createRootCertificate({ subject: ROOT_NAMES.signing, ...key, keyId: '00'.repeat(32), ...ROOT_VALIDITY, serialNumber, signer: store }),
    ).rejects.toThrow('is not the SHA-256 of the given public key');
  });
});
