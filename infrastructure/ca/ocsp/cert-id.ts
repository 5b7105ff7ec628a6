/**
 * CertID (RFC 6960 §4.1.1): a certificate named by hashes of its issuer's Name and public key and by
 * its serial. RFC 5019 clients (openssl by default) hash with SHA-1; SHA-256 is understood too.
 */
import { createHash } from 'node:crypto';
import type { IssuingCa } from '../../../domain/ports/certificate-authority.js';
import { TAG, childrenOf, encodeTlv, encodeUnsignedInteger, type Tlv } from '../der.js';
import { readIssuingRoot } from '../issuing-root.js';
import { subjectPublicKeyOf } from '../extensions.js';
import { serialNumberOctets } from '../tbs-certificate.js';

export type CertIdHashAlgorithm = 'sha1' | 'sha256';

export interface CertId {
  readonly hashAlgorithm: CertIdHashAlgorithm;
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  /** Uppercase hex as openssl prints it. */
  readonly serialNumber: string;
  /** The CertID's DER as the client sent it (or certIdFor built it): the response names the certificate with these bytes. */
  readonly der: Uint8Array;
}

/** The OBJECT IDENTIFIER DER of each hash: 1.3.14.3.2.26 and 2.16.840.1.101.3.4.2.1. */
const HASH_OIDS: Readonly<Record<CertIdHashAlgorithm, string>> = { sha1: '06052b0e03021a', sha256: '0609608648016503040201' };
const HASH_LENGTHS: Readonly<Record<CertIdHashAlgorithm, number>> = { sha1: 20, sha256: 32 };
/** NULL parameters, as openssl writes them; absent parameters are read as well (RFC 5754 §2). */
const NULL_PARAMETERS = Uint8Array.of(0x05, 0x00);

/** Whether `certId` names a certificate of this CA: both issuer hashes match the root's. */
export function issuedBy(certId: CertId, ca: IssuingCa): boolean {
  const { nameHash, keyHash } = issuerHashes(ca, certId.hashAlgorithm);
  return Buffer.from(certId.issuerNameHash).equals(nameHash) && Buffer.from(certId.issuerKeyHash).equals(keyHash);
}

/**
 * The CertID a client would send for `serialNumber` of this CA, for answers signed before anyone
 * asks. Clients match a response to their request by algorithm, hashes and serial, not by bytes.
 */
export function certIdFor(ca: IssuingCa, serialNumber: string, hashAlgorithm: CertIdHashAlgorithm): CertId {
  const { nameHash, keyHash } = issuerHashes(ca, hashAlgorithm);
  const der = encodeTlv(
    TAG.sequence,
    encodeTlv(TAG.sequence, Buffer.from(HASH_OIDS[hashAlgorithm], 'hex'), NULL_PARAMETERS),
    encodeTlv(TAG.octetString, nameHash),
    encodeTlv(TAG.octetString, keyHash),
    encodeUnsignedInteger(serialNumberOctets(serialNumber)),
  );
  return { hashAlgorithm, issuerNameHash: nameHash, issuerKeyHash: keyHash, serialNumber, der };
}

/** A CertID from a request; throws on anything else, including hashes of the wrong length. */
export function readCertId(certId: Tlv): CertId {
  if (certId.tag !== TAG.sequence) throw new Error('not a CertID');
  const [algorithm, nameHash, keyHash, serial, ...rest] = childrenOf(certId);
  if (algorithm?.tag !== TAG.sequence || rest.length > 0) throw new Error('not a CertID');
  if (nameHash?.tag !== TAG.octetString || keyHash?.tag !== TAG.octetString || serial?.tag !== TAG.integer) throw new Error('not a CertID');
  const hashAlgorithm = hashAlgorithmOf(algorithm);
  const length = HASH_LENGTHS[hashAlgorithm];
  if (nameHash.content.length !== length || keyHash.content.length !== length) throw new Error(`a ${hashAlgorithm} hash of the wrong length`);
  // Copies: the result may outlive the request buffer, which must neither be kept alive nor seen changing.
  return {
    hashAlgorithm,
    issuerNameHash: new Uint8Array(nameHash.content),
    issuerKeyHash: new Uint8Array(keyHash.content),
    serialNumber: serialHexOf(serial.content),
    der: new Uint8Array(certId.bytes),
  };
}

function hashAlgorithmOf(algorithm: Tlv): CertIdHashAlgorithm {
  const [oid, parameters, ...rest] = childrenOf(algorithm);
  const absentOrNull = parameters === undefined || Buffer.from(parameters.bytes).equals(NULL_PARAMETERS);
  const hex = oid === undefined ? '' : Buffer.from(oid.bytes).toString('hex');
  const name = (Object.keys(HASH_OIDS) as CertIdHashAlgorithm[]).find((candidate) => HASH_OIDS[candidate] === hex);
  if (name === undefined || !absentOrNull || rest.length > 0) throw new Error('a CertID hash other than SHA-1 or SHA-256');
  return name;
}

/**
 * The serial as openssl prints it, from a DER INTEGER's content. Zero, negative and non-minimal
 * INTEGERs are refused: RFC 5280 serials are positive, so such a request is about no certificate.
 */
function serialHexOf(integer: Uint8Array): string {
  const [first, second] = integer;
  if (first === undefined || first & 0x80) throw new Error('a serial must be positive');
  if (first === 0 && (second === undefined || !(second & 0x80))) throw new Error('a serial must be positive and minimally encoded');
  return Buffer.from(first === 0 ? integer.subarray(1) : integer)
    .toString('hex')
    .toUpperCase();
}

/** Per CA and hash: every OCSP request is checked against them. */
const hashesOfIssuers = new Map<string, { nameHash: Buffer; keyHash: Buffer }>();

/** issuerNameHash covers the root's subject Name DER; issuerKeyHash its subjectPublicKey BIT STRING value, unused-bits octet excluded. */
function issuerHashes(ca: IssuingCa, hashAlgorithm: CertIdHashAlgorithm): { nameHash: Buffer; keyHash: Buffer } {
  const cacheKey = `${ca.keyId}/${hashAlgorithm}`;
  const cached = hashesOfIssuers.get(cacheKey);
  if (cached !== undefined) return cached;
  const hashes = computeIssuerHashes(ca, hashAlgorithm);
  hashesOfIssuers.set(cacheKey, hashes);
  return hashes;
}

function computeIssuerHashes(ca: IssuingCa, hashAlgorithm: CertIdHashAlgorithm): { nameHash: Buffer; keyHash: Buffer } {
  const root = readIssuingRoot(ca);
  return {
    nameHash: createHash(hashAlgorithm).update(root.subject).digest(),
    keyHash: createHash(hashAlgorithm).update(subjectPublicKeyOf(root.subjectPublicKeyInfo)).digest(),
  };
}
