/** Roots, resident keys and leaf requests shared by the CA tests. */
import '../../../infrastructure/ca/x509-bootstrap.js';
import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { CertificateType, IssuingCa, KeyAlgorithm, LeafRequest, PersonalAttributes } from '../../../domain/ports/certificate-authority.js';
import type { KeyStore } from '../../../domain/ports/signer.js';
import type { NameAttribute } from '../../../infrastructure/ca/names.js';
import { createRootCertificate } from '../../../infrastructure/ca/root-certificate.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export const ROOT_NAMES: Readonly<Record<CertificateType, readonly NameAttribute[]>> = {
  signing: [
    { type: 'C', value: 'JP' },
    { type: 'O', value: 'JPKI' },
    { type: 'OU', value: 'JPKI for digital signature' },
    { type: 'OU', value: 'Japan Agency for Local Authority Information Systems' },
  ],
  'user-authentication': [
    { type: 'C', value: 'JP' },
    { type: 'O', value: 'JPKI' },
    { type: 'OU', value: 'JPKI for user authentication' },
    { type: 'OU', value: 'Japan Agency for Local Authority Information Systems' },
  ],
};

export const ROOT_VALIDITY = { notBefore: '2025-01-01T00:00:00+09:00', notAfter: '2060-12-31T23:59:59+09:00' } as const;
export const LEAF_VALIDITY = { notBefore: '2025-04-01T00:00:00+09:00', notAfter: '2030-06-15T23:59:59+09:00' } as const;
/** A moment inside both validities, for `openssl verify -attime`, so that tests do not depend on today's date. */
export const VERIFY_AT = String(Date.parse('2026-01-01T00:00:00Z') / 1000);

export async function createTestCa(store: KeyStore, type: CertificateType, algorithm: KeyAlgorithm): Promise<IssuingCa> {
  const key = await store.generate(algorithm);
  const certificate = await createRootCertificate({ subject: ROOT_NAMES[type], ...key, ...ROOT_VALIDITY, serialNumber: randomSerial(), signer: store });
  return { type, keyId: key.keyId, certificate };
}

export interface ResidentKey {
  /** base64 SubjectPublicKeyInfo DER. */
  readonly spki: string;
  readonly publicKey: KeyObject;
}

export async function residentKey(algorithm: KeyAlgorithm): Promise<ResidentKey> {
  const { publicKey } =
    algorithm === 'RSA-2048'
      ? await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 65537 })
      : await generateKeyPairAsync('ec', { namedCurve: 'P-256' });
  return { spki: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), publicKey };
}

/** 128 random bits, top bit clear and first octet non-zero: uppercase hex as openssl prints it. */
export function randomSerial(): string {
  const octets = randomBytes(16);
  octets[0] = (octets[0]! & 0x7f) | 0x01;
  return octets.toString('hex').toUpperCase();
}

/** 辺 stands in for the registered 邉 (flag 1 at its place); the address needs no substitution. */
export const PERSONAL: PersonalAttributes = {
  name: '渡辺　花子',
  nameFlags: '01000',
  sex: '2',
  dateOfBirth: '419900615',
  address: '東京都千代田区霞が関二丁目1番2号',
  addressFlags: '0000000000000000',
};

const COMMON = {
  ...LEAF_VALIDITY,
  crlDistributionPoints: ['http://crl.jpki.example/signing/131016.crl', 'http://crl.jpki.example/signing/full.crl'],
  ocspUrl: 'http://ocsp.jpki.example/',
  caIssuersUrl: 'http://ca.jpki.example/root.cer',
  cpsUri: 'http://www.jpki.go.jp/cps.html',
} as const;

export function signingRequest(spki: string, overrides: Partial<LeafRequest> = {}): LeafRequest {
  return {
    ...COMMON,
    type: 'signing',
    serialNumber: randomSerial(),
    subject: { localities: ['Tokyo-to', 'Chiyoda-ku'], commonName: '2025040109300000010001' },
    personal: PERSONAL,
    subjectPublicKeyInfo: spki,
    policyOid: '1.2.392.200149.8.5.1.1.20',
    ...overrides,
  };
}

export function userAuthenticationRequest(spki: string, overrides: Partial<LeafRequest> = {}): LeafRequest {
  return {
    ...COMMON,
    type: 'user-authentication',
    serialNumber: randomSerial(),
    subject: { localities: [], commonName: 'A1B2C3D4E5F6G7H8I9J0K1L' },
    subjectPublicKeyInfo: spki,
    policyOid: '1.2.392.200149.8.5.1.3.30',
    ...overrides,
  };
}
