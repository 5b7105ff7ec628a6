/** Turning TBSCertificate (and TBSCertList) bytes into a signed Certificate (CRL) through the Signer port. */
import './x509-bootstrap.js';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import type { Signer } from '../../domain/ports/signer.js';
import { TAG, encodeBitString, encodeTlv } from './der.js';
import { readTbsCertificate } from './tbs-certificate.js';

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const SHA256_WITH_RSA_ENCRYPTION = '1.2.840.113549.1.1.11';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
/** The namedCurve parameter of a P-256 key: OBJECT IDENTIFIER 1.2.840.10045.3.1.7. */
const P256_PARAMETERS = '06082a8648ce3d030107';

/**
 * The AlgorithmIdentifier DER a CA key signs with: sha256WithRSAEncryption with NULL parameters
 * (RFC 4055 §5), or ecdsa-with-SHA256 with none (RFC 5758 §3.2).
 */
export function signatureAlgorithmFor(caSubjectPublicKeyInfo: Uint8Array): Uint8Array {
  const cacheKey = Buffer.from(caSubjectPublicKeyInfo).toString('base64');
  let found = signatureAlgorithms.get(cacheKey);
  if (found === undefined) {
    found = signatureAlgorithmOf(caSubjectPublicKeyInfo);
    signatureAlgorithms.set(cacheKey, found);
  }
  return found;
}

/** The few signing keys' algorithms, parsed once: every OCSP answer with a nonce asks. */
const signatureAlgorithms = new Map<string, Uint8Array>();

function signatureAlgorithmOf(caSubjectPublicKeyInfo: Uint8Array): Uint8Array {
  const { algorithm } = AsnConvert.parse(caSubjectPublicKeyInfo, SubjectPublicKeyInfo);
  if (algorithm.algorithm === RSA_ENCRYPTION) {
    return new Uint8Array(AsnConvert.serialize(new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA_ENCRYPTION, parameters: null })));
  }
  const curve = algorithm.parameters ? Buffer.from(algorithm.parameters).toString('hex') : undefined;
  if (algorithm.algorithm === EC_PUBLIC_KEY && curve === P256_PARAMETERS) {
    return new Uint8Array(AsnConvert.serialize(new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 })));
  }
  throw new Error('a CA key must be RSA or ECDSA P-256');
}

/**
 * Signs exactly `tbsCertificate` with the key `keyId` and wraps it, unchanged, as a Certificate.
 * The outer signatureAlgorithm must equal the one inside the TBS (RFC 5280 §4.1.1.2): its bytes are copied.
 */
export async function signTbsCertificate(tbsCertificate: Uint8Array, keyId: string, caSubjectPublicKeyInfo: Uint8Array, signer: Signer): Promise<Uint8Array> {
  const { signatureAlgorithm } = readTbsCertificate(tbsCertificate);
  return signToBeSigned(tbsCertificate, signatureAlgorithm, keyId, caSubjectPublicKeyInfo, signer);
}

/**
 * X.509's SIGNED{ToBeSigned} shape, shared by certificates and CRLs: SEQUENCE { toBeSigned,
 * signatureAlgorithm, BIT STRING signature }, with `toBeSigned` signed exactly as given. The
 * signature is checked against the CA's public key before anything leaves: a faulty signer (or a
 * key id that names another key) must not yield a certificate or CRL, and an RSA fault could even
 * leak the key.
 */
export async function signToBeSigned(
  toBeSigned: Uint8Array,
  signatureAlgorithm: Uint8Array,
  keyId: string,
  caSubjectPublicKeyInfo: Uint8Array,
  signer: Signer,
): Promise<Uint8Array> {
  const signature = await checkedSignature(toBeSigned, keyId, caSubjectPublicKeyInfo, signer, 'the CA');
  return encodeTlv(TAG.sequence, toBeSigned, signatureAlgorithm, encodeBitString(signature));
}

/**
 * The signer's signature over `data` with the key `keyId`, released only once it verifies with
 * `subjectPublicKeyInfo`, the public key `holder` (named in the error) is known by. Shared by
 * everything the ledger signs, OCSP responses included, whose shape is not SIGNED{ToBeSigned}.
 */
export async function checkedSignature(data: Uint8Array, keyId: string, subjectPublicKeyInfo: Uint8Array, signer: Signer, holder: string): Promise<Uint8Array> {
  const signature = await signer.sign(keyId, data);
  const publicKey = publicKeyOf(keyId, subjectPublicKeyInfo);
  if (!verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, signature)) {
    throw new Error(`the signature from key ${keyId} does not verify with ${holder}'s public key`);
  }
  return signature;
}

/** Imported public keys by key id (the id is the SPKI's hash, so it names exactly one key): an OCSP answer with a nonce signs on every request. */
const publicKeys = new Map<string, KeyObject>();

function publicKeyOf(keyId: string, subjectPublicKeyInfo: Uint8Array): KeyObject {
  const cacheKey = `${keyId}/${Buffer.from(subjectPublicKeyInfo).toString('base64')}`;
  let key = publicKeys.get(cacheKey);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.from(subjectPublicKeyInfo), format: 'der', type: 'spki' });
    publicKeys.set(cacheKey, key);
  }
  return key;
}
