/**
 * The DER written directly for every leaf (names, the personal-data SAN, key identifiers, whole
 * extensions) against @peculiar/asn1-x509's serializer — the reference they replaced — byte for
 * byte, including values long enough to need two- and three-octet lengths.
 */
import '../../../infrastructure/ca/x509-bootstrap.js';
import { createHash } from 'node:crypto';
import { AsnConvert, AsnUtf8StringConverter, OctetString } from '@peculiar/asn1-schema';
import {
  AttributeTypeAndValue,
  AttributeValue,
  Extension,
  GeneralName,
  KeyUsageFlags,
  Name,
  OtherName,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  Validity,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PersonalAttributes } from '../../../domain/ports/certificate-authority.js';
import { TAG, encodeTime, encodeTlv, encodeUtf8String } from '../../../infrastructure/ca/der.js';
import {
  PERSONAL_DATA_OIDS,
  authorityInfoAccess,
  authorityKeyIdentifier,
  caBasicConstraints,
  certificatePolicies,
  crlDistributionPoints,
  extendedKeyUsage,
  extensionDer,
  keyIdentifierOf,
  keyUsage,
  ocspNoCheck,
  personalDataSubjectAltName,
  subjectKeyIdentifier,
  subjectPublicKeyOf,
} from '../../../infrastructure/ca/extensions.js';
import { encodeName, type NameAttribute } from '../../../infrastructure/ca/names.js';
import { PERSONAL, residentKey } from './fixtures.js';

const hex = (bytes: ArrayBuffer | Uint8Array): string => Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');

const ATTRIBUTE_OIDS = { C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' } as const;

function referenceName(attributes: readonly NameAttribute[]): ArrayBuffer {
  return AsnConvert.serialize(
    new Name(
      attributes.map(
        ({ type, value }) =>
          new RelativeDistinguishedName([
            new AttributeTypeAndValue({
              type: ATTRIBUTE_OIDS[type],
              value: type === 'C' ? new AttributeValue({ printableString: value }) : new AttributeValue({ utf8String: value }),
            }),
          ]),
      ),
    ),
  );
}

function referenceSan(personal: PersonalAttributes): ArrayBuffer {
  const names = (Object.keys(PERSONAL_DATA_OIDS) as (keyof PersonalAttributes)[]).map(
    (field) =>
      new GeneralName({
        otherName: new OtherName({ typeId: PERSONAL_DATA_OIDS[field], value: AsnConvert.serialize(AsnUtf8StringConverter.toASN(personal[field])) }),
      }),
  );
  return AsnConvert.serialize(new Extension({ extnID: id_ce_subjectAltName, critical: false, extnValue: new OctetString(AsnConvert.serialize(new SubjectAlternativeName(names))) }));
}

/** Lengths either side of the one-, two- and three-octet length forms. */
const LONG = ['a'.repeat(127), 'a'.repeat(128), 'b'.repeat(255), 'c'.repeat(256), '東'.repeat(43), '京'.repeat(90), 'x'.repeat(70_000)];

describe('names written directly', () => {
  it('match the serializer for issuer-like and subject-like names, Japanese values and long ones', () => {
    const names: NameAttribute[][] = [
      [{ type: 'C', value: 'JP' }, { type: 'O', value: 'JPKI' }, { type: 'OU', value: 'JPKI for digital signature' }],
      [{ type: 'C', value: 'JP' }, { type: 'ST', value: '東京都' }, { type: 'L', value: '千代田区' }, { type: 'CN', value: '0123456789ABCDEF' }],
      [{ type: 'CN', value: 'OCSP responder' }],
      ...LONG.map((value): NameAttribute[] => [{ type: 'C', value: 'JP' }, { type: 'OU', value }]),
    ];
    for (const name of names) expect(hex(encodeName(name))).toBe(hex(referenceName(name)));
  });

  it('refuse what the serializer would have mangled: a lone surrogate', () => {
    expect(() => encodeName([{ type: 'CN', value: 'a\ud800b' }])).toThrow('lone surrogate');
    expect(() => encodeUtf8String('\udc00')).toThrow('lone surrogate');
  });
});

describe('the personal-data subjectAltName written directly', () => {
  it('matches the serializer, whatever the lengths', () => {
    const cases: PersonalAttributes[] = [PERSONAL, ...LONG.slice(0, 6).map((address) => ({ ...PERSONAL, address, name: address.slice(0, 40) }))];
    for (const personal of cases) expect(hex(extensionDer(personalDataSubjectAltName(personal)))).toBe(hex(referenceSan(personal)));
  });
});

describe('extensions written directly', () => {
  it('match the serializer for every extension the CA writes, critical or not', () => {
    const id = createHash('sha1').update('key').digest();
    const extensions = [
      keyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation),
      keyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign),
      caBasicConstraints(),
      extendedKeyUsage(['1.3.6.1.5.5.7.3.9']),
      ocspNoCheck(),
      certificatePolicies('1.2.392.200149.8.5.1.1.10', 'http://www.jpki.go.jp/cps.html'),
      crlDistributionPoints(['http://crl.jpki.example/signing/131016.crl', 'http://crl.jpki.example/signing/full.crl']),
      authorityInfoAccess('http://ocsp.jpki.example/', 'http://ca.jpki.example/root.cer'),
      subjectKeyIdentifier(id),
      authorityKeyIdentifier(id),
      // OIDs with large arcs and the 2.x branch, through an empty value.
      ...['2.999.1', '1.2.840.113549.1.1.11', '1.3.6.1.4.1.311.21.7', '2.5.29.1234567'].map(
        (extnID) => new Extension({ extnID, critical: false, extnValue: new OctetString(new Uint8Array(0)) }),
      ),
    ];
    for (const extension of extensions) expect(hex(extensionDer(extension))).toBe(hex(AsnConvert.serialize(extension)));
    const reference = AsnConvert.serialize(new Extension({ extnID: id_ce_subjectKeyIdentifier, critical: false, extnValue: new OctetString(AsnConvert.serialize(new SubjectKeyIdentifier(id))) }));
    expect(hex(extensionDer(subjectKeyIdentifier(id)))).toBe(hex(reference));
  });

  it('the CA-wide ones are made once for the same arguments and anew for others', () => {
    expect(crlDistributionPoints(['http://a.example/1.crl'])).toBe(crlDistributionPoints(['http://a.example/1.crl']));
    expect(crlDistributionPoints(['http://a.example/1.crl'])).not.toBe(crlDistributionPoints(['http://a.example/2.crl']));
    expect(hex(extensionDer(crlDistributionPoints(['http://a.example/2.crl'])))).toContain(hex(Buffer.from('http://a.example/2.crl')));
  });
});

describe('key identifiers read directly', () => {
  it('are the SHA-1 of the subjectPublicKey the serializer reads, for RSA and EC keys', async () => {
    for (const algorithm of ['RSA-2048', 'ECDSA-P256'] as const) {
      const spki = Buffer.from((await residentKey(algorithm)).spki, 'base64');
      const reference = createHash('sha1').update(new Uint8Array(AsnConvert.parse(spki, SubjectPublicKeyInfo).subjectPublicKey)).digest();
      expect(hex(keyIdentifierOf(spki))).toBe(hex(reference));
    }
  });

  it('refuse what is not one whole SubjectPublicKeyInfo', async () => {
    const spki = Buffer.from((await residentKey('ECDSA-P256')).spki, 'base64');
    expect(() => subjectPublicKeyOf(Buffer.concat([spki, Buffer.of(0)]))).toThrow();
    expect(() => subjectPublicKeyOf(spki.subarray(0, spki.length - 1))).toThrow();
    const wrongTag = Buffer.from(spki);
    wrongTag[0] = 0x31;
    expect(() => subjectPublicKeyOf(wrongTag)).toThrow();
    expect(() => subjectPublicKeyOf(Buffer.of(0x30, 0x03, 0x02, 0x01, 0x00))).toThrow('not a DER SubjectPublicKeyInfo');
  });
});

describe('the validity written directly', () => {
  const wholeSeconds = (from: string, to: string) =>
    fc.integer({ min: Date.parse(from) / 1000, max: Date.parse(to) / 1000 }).map((seconds) => new Date(seconds * 1000));

  it('is the serializer’s Validity, UTCTime through 2049 and GeneralizedTime from 2050, at every instant', () => {
    fc.assert(
      fc.property(wholeSeconds('1950-01-01T00:00:00Z', '9999-12-31T23:59:59Z'), wholeSeconds('1950-01-01T00:00:00Z', '2100-12-31T23:59:59Z'), (a, b) => {
        const reference = AsnConvert.serialize(new Validity({ notBefore: a, notAfter: b }));
        expect(hex(encodeTlv(TAG.sequence, encodeTime(a), encodeTime(b)))).toBe(hex(reference));
      }),
      { numRuns: 2000 },
    );
  });

  it('switches at the first second of 2050 (UTC), and refuses years UTCTime cannot say', () => {
    expect(Buffer.from(encodeTime(new Date('2049-12-31T23:59:59Z'))).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(Buffer.from(encodeTime(new Date('2050-01-01T00:00:00Z'))).toString('latin1')).toBe('\x18\x0f20500101000000Z');
    expect(() => encodeTime(new Date('1949-12-31T23:59:59Z'))).toThrow('1950 to 9999');
  });
});
