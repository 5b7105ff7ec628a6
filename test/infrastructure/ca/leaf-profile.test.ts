/** The content of residents' certificates, read back with the libraries and, independently, with openssl. */
import '../../../infrastructure/ca/x509-bootstrap.js';
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  Certificate,
  CertificatePolicies,
  DirectoryString,
  Qualifier,
  SubjectAlternativeName,
  id_ce_certificatePolicies,
  id_ce_subjectAltName,
  id_qt_csp,
  type Extension,
} from '@peculiar/asn1-x509';
import {
  AuthorityInfoAccessExtension,
  AuthorityKeyIdentifierExtension,
  CRLDistributionPointsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
} from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuingCa, LeafRequest } from '../../../domain/ports/certificate-authority.js';
import { FileKeyStore } from '../../../infrastructure/ca/file-key-store.js';
import { X509CertificateAuthority } from '../../../infrastructure/ca/x509-certificate-authority.js';
import { PERSONAL, createTestCa, residentKey, signingRequest, userAuthenticationRequest, type ResidentKey } from './fixtures.js';
import { asn1parse, elementBytes, opensslOk, toPem, workDir } from '../../support/openssl.js';

const PERSONAL_OIDS = {
  '1.2.392.200149.8.5.5.1': PERSONAL.name,
  '1.2.392.200149.8.5.5.2': PERSONAL.nameFlags,
  '1.2.392.200149.8.5.5.3': PERSONAL.sex,
  '1.2.392.200149.8.5.5.4': PERSONAL.dateOfBirth,
  '1.2.392.200149.8.5.5.5': PERSONAL.address,
  '1.2.392.200149.8.5.5.6': PERSONAL.addressFlags,
};

interface Issued {
  readonly request: LeafRequest;
  readonly der: Buffer;
  readonly file: string;
  readonly x509: X509Certificate;
  readonly asn: Certificate;
  readonly extensions: readonly Extension[];
}

describe('the JPKI certificate profile', () => {
  const dir = workDir();
  const store = new FileKeyStore(`${dir.path}/keys`);
  const authority = new X509CertificateAuthority(store);
  let signingCa: IssuingCa;
  let authCa: IssuingCa;
  let rsaResident: ResidentKey;
  let ecResident: ResidentKey;
  let signing: Issued;
  let auth: Issued;

  const issue = async (ca: IssuingCa, request: LeafRequest, name: string): Promise<Issued> => {
    const certificate = await authority.sign(ca, await authority.prepare(ca, request));
    const der = Buffer.from(certificate, 'base64');
    const asn = AsnConvert.parse(der, Certificate);
    return { request, der, file: dir.write(`${name}.pem`, toPem(certificate)), x509: new X509Certificate(der), asn, extensions: asn.tbsCertificate.extensions ?? [] };
  };
  const extensionValue = (issued: Issued, oid: string) => issued.extensions.find((extension) => extension.extnID === oid);
  /** The TBSCertificate's fields as openssl locates them: version, serial, signature, issuer, validity, subject, spki, extensions. */
  const tbsFields = (file: string) => asn1parse(['-in', file]).filter((element) => element.depth === 2).slice(0, 8);

  beforeAll(async () => {
    [signingCa, authCa, rsaResident, ecResident] = await Promise.all([
      createTestCa(store, 'signing', 'RSA-2048'),
      createTestCa(store, 'user-authentication', 'ECDSA-P256'),
      residentKey('RSA-2048'),
      residentKey('ECDSA-P256'),
    ]);
    [signing, auth] = await Promise.all([
      issue(signingCa, signingRequest(rsaResident.spki), 'signing'),
      issue(authCa, userAuthenticationRequest(ecResident.spki), 'auth'),
    ]);
  });
  afterAll(() => dir.remove());

  describe('signing', () => {
    it('is version 3, with exactly the profile extensions', () => {
      expect(signing.asn.tbsCertificate.version).toBe(2); // v3
      expect(signing.extensions.map((extension) => extension.extnID)).toEqual([
        '2.5.29.15', // keyUsage
        '2.5.29.32', // certificatePolicies
        '2.5.29.17', // subjectAltName
        '2.5.29.31', // cRLDistributionPoints
        '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
        '2.5.29.14', // subjectKeyIdentifier
        '2.5.29.35', // authorityKeyIdentifier
      ]);
    });

    it('carries the six personal-data otherNames as UTF8Strings, read with asn1-x509', () => {
      const extension = extensionValue(signing, id_ce_subjectAltName)!;
      expect(extension.critical).toBe(false);
      const names = AsnConvert.parse(extension.extnValue, SubjectAlternativeName);
      const values = Object.fromEntries(
        names.map((name) => {
          const value = new Uint8Array(name.otherName!.value);
          expect(value[0]).toBe(0x0c); // UTF8String
          return [name.otherName!.typeId, AsnConvert.parse(value, DirectoryString).toString()];
        }),
      );
      expect(values).toEqual(PERSONAL_OIDS);
      expect(values['1.2.392.200149.8.5.5.1']).toBe('渡辺\u3000花子');
    });

    it('carries the same six values, says openssl asn1parse', () => {
      const all = asn1parse(['-in', signing.file]);
      const san = all[all.findIndex((element) => element.value === 'X509v3 Subject Alternative Name') + 1]!;
      const inner = asn1parse(['-in', signing.file, '-strparse', String(san.offset)]);
      const found: Record<string, string> = {};
      inner.forEach((element, index) => {
        if (element.type === 'OBJECT') {
          // otherName: OBJECT, then [0] EXPLICIT, then the UTF8STRING inside it.
          expect(inner[index + 1]!.type).toBe('cont [ 0 ]');
          expect(inner[index + 2]!.type).toBe('UTF8STRING');
          found[element.value] = inner[index + 2]!.value;
        }
      });
      expect(found).toEqual(PERSONAL_OIDS);
    });

    it('names the subject C=JP, L=prefecture, L=city, CN=request id, and the issuer as the root does, byte for byte', () => {
      expect(signing.x509.subject).toBe('C=JP, L=Tokyo-to, L=Chiyoda-ku, CN=2025040109300000010001');
      const rootFile = dir.write('signing-root.pem', toPem(signingCa.certificate));
      const rootSubject = elementBytes(Buffer.from(signingCa.certificate, 'base64'), tbsFields(rootFile)[5]!);
      expect(Buffer.from(elementBytes(signing.der, tbsFields(signing.file)[3]!))).toEqual(Buffer.from(rootSubject));
    });

    it('carries the request’s SubjectPublicKeyInfo exactly', () => {
      expect(Buffer.from(elementBytes(signing.der, tbsFields(signing.file)[6]!)).toString('base64')).toBe(rsaResident.spki);
    });

    it('is for digitalSignature and nonRepudiation only, critically', () => {
      const keyUsage = signing.x509.getExtension(KeyUsagesExtension)!;
      expect(keyUsage.critical).toBe(true);
      expect(keyUsage.usages).toBe(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation);
      expect(opensslOk(['x509', '-noout', '-text', '-in', signing.file])).toMatch(/X509v3 Key Usage: critical\n\s+Digital Signature, Non Repudiation\n/);
    });

    it('states its policy critically, with the CPS URI', () => {
      const extension = extensionValue(signing, id_ce_certificatePolicies)!;
      expect(extension.critical).toBe(true);
      const [policy, ...others] = AsnConvert.parse(extension.extnValue, CertificatePolicies);
      expect(others).toEqual([]);
      expect(policy!.policyIdentifier).toBe('1.2.392.200149.8.5.1.1.20');
      expect(policy!.policyQualifiers?.map((qualifier) => qualifier.policyQualifierId)).toEqual([id_qt_csp]);
      expect(AsnConvert.parse(policy!.policyQualifiers![0]!.qualifier, Qualifier).cPSuri).toBe('http://www.jpki.go.jp/cps.html');
      expect(opensslOk(['x509', '-noout', '-text', '-in', signing.file])).toMatch(
        /X509v3 Certificate Policies: critical\n\s+Policy: 1\.2\.392\.200149\.8\.5\.1\.1\.20\n\s+CPS: http:\/\/www\.jpki\.go\.jp\/cps\.html\n/,
      );
    });

    it('lists the CRL distribution points in order, one point per URL', () => {
      const points = signing.x509.getExtension(CRLDistributionPointsExtension)!.distributionPoints;
      expect(points.map((point) => point.distributionPoint?.fullName?.map((name) => name.uniformResourceIdentifier))).toEqual(
        signing.request.crlDistributionPoints.map((url) => [url]),
      );
    });

    it('points to OCSP and to the CA certificate', () => {
      const access = signing.x509.getExtension(AuthorityInfoAccessExtension)!;
      expect(access.ocsp.map((name) => name.value)).toEqual(['http://ocsp.jpki.example/']);
      expect(access.caIssuers.map((name) => name.value)).toEqual(['http://ca.jpki.example/root.cer']);
    });

    it('identifies the subject key by SHA-1 of its RSAPublicKey, and the authority by the root’s SKI', () => {
      const rsaPublicKey = rsaResident.publicKey.export({ type: 'pkcs1', format: 'der' });
      expect(signing.x509.getExtension(SubjectKeyIdentifierExtension)!.keyId).toBe(createHash('sha1').update(rsaPublicKey).digest('hex'));
      const rootSki = new X509Certificate(signingCa.certificate).getExtension(SubjectKeyIdentifierExtension)!.keyId;
      expect(signing.x509.getExtension(AuthorityKeyIdentifierExtension)!.keyId).toBe(rootSki);
    });

    it('signs with sha256WithRSAEncryption under an RSA root', () => {
      expect(opensslOk(['x509', '-noout', '-text', '-in', signing.file])).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    });
  });

  describe('user-authentication', () => {
    it('carries no personal data: no subjectAltName, subject C=JP, CN=<id>', () => {
      expect(extensionValue(auth, id_ce_subjectAltName)).toBeUndefined();
      expect(opensslOk(['x509', '-noout', '-subject', '-in', auth.file])).toBe('subject=C = JP, CN = A1B2C3D4E5F6G7H8I9J0K1L\n');
      expect(opensslOk(['x509', '-noout', '-text', '-in', auth.file])).not.toContain('othername');
    });

    it('is for digitalSignature only, critically, under its own policy', () => {
      const keyUsage = auth.x509.getExtension(KeyUsagesExtension)!;
      expect(keyUsage.critical).toBe(true);
      expect(keyUsage.usages).toBe(KeyUsageFlags.digitalSignature);
      const [policy] = AsnConvert.parse(extensionValue(auth, id_ce_certificatePolicies)!.extnValue, CertificatePolicies);
      expect(policy!.policyIdentifier).toBe('1.2.392.200149.8.5.1.3.30');
    });

    it('identifies an EC subject key by SHA-1 of its uncompressed point, and signs with ecdsa-with-SHA256', () => {
      const { x, y } = ecResident.publicKey.export({ format: 'jwk' });
      const point = Buffer.concat([Buffer.of(4), Buffer.from(x!, 'base64url'), Buffer.from(y!, 'base64url')]);
      expect(auth.x509.getExtension(SubjectKeyIdentifierExtension)!.keyId).toBe(createHash('sha1').update(point).digest('hex'));
      expect(opensslOk(['x509', '-noout', '-text', '-in', auth.file])).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
    });
  });

  describe('serial numbers', () => {
    it('keeps a serial whose first octet has its top bit set positive (a leading 00 in DER), and openssl prints it as given', async () => {
      const serialNumber = 'F3A1B2C3D4E5F6071829';
      const issued = await issue(signingCa, signingRequest(rsaResident.spki, { serialNumber }), 'top-bit');
      expect(opensslOk(['x509', '-noout', '-serial', '-in', issued.file])).toBe(`serial=${serialNumber}\n`);
      const serial = tbsFields(issued.file)[1]!;
      expect(serial).toMatchObject({ type: 'INTEGER', value: serialNumber, length: serialNumber.length / 2 + 1 });
      expect(issued.der[serial.offset + serial.headerLength]).toBe(0x00);
      expect(issued.x509.serialNumber).toBe(serialNumber.toLowerCase());
    });

    it('adds no 00 when the top bit is clear', async () => {
      const serialNumber = '0A1B2C3D4E5F60718293';
      const issued = await issue(signingCa, signingRequest(rsaResident.spki, { serialNumber }), 'low-bit');
      expect(opensslOk(['x509', '-noout', '-serial', '-in', issued.file])).toBe(`serial=${serialNumber}\n`);
      expect(tbsFields(issued.file)[1]).toMatchObject({ length: serialNumber.length / 2 });
    });
  });

  describe('validity', () => {
    it('keeps notBefore and notAfter exactly: UTCTime through 2049, GeneralizedTime from 2050', async () => {
      // 00:00 JST on 1 January 2050 is still 2049 in UTC, so UTCTime; the end is in 2055, so GeneralizedTime.
      const validity = { notBefore: '2050-01-01T00:00:00+09:00', notAfter: '2055-06-15T23:59:59+09:00' };
      const issued = await issue(signingCa, signingRequest(rsaResident.spki, validity), 'validity');
      expect(issued.x509.notBefore.toISOString()).toBe('2049-12-31T15:00:00.000Z');
      expect(issued.x509.notAfter.toISOString()).toBe('2055-06-15T14:59:59.000Z');
      const times = asn1parse(['-in', issued.file]).filter((element) => element.depth === 3 && /TIME$/.test(element.type));
      expect(times.map(({ type, value }) => `${type}:${value}`)).toEqual(['UTCTIME:491231150000Z', 'GENERALIZEDTIME:20550615145959Z']);
      expect(opensslOk(['x509', '-noout', '-startdate', '-enddate', '-in', issued.file])).toBe(
        'notBefore=Dec 31 15:00:00 2049 GMT\nnotAfter=Jun 15 14:59:59 2055 GMT\n',
      );
    });
  });
});
