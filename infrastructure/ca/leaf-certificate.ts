/**
 * Residents' certificates to the JPKI profile, in two steps: `prepare` builds the TBSCertificate so
 * that its hash can be recorded before anything is signed; `sign` signs exactly those bytes.
 */
import './x509-bootstrap.js';
import { createHash } from 'node:crypto';
import { KeyUsageFlags, type Extension } from '@peculiar/asn1-x509';
import type { IssuingCa, LeafRequest, PreparedCertificate } from '../../domain/ports/certificate-authority.js';
import type { Signer } from '../../domain/ports/signer.js';
import { signTbsCertificate, signatureAlgorithmFor } from './certificate-signing.js';
import { TAG, readSingle } from './der.js';
import {
  authorityInfoAccess,
  authorityKeyIdentifier,
  certificatePolicies,
  crlDistributionPoints,
  keyIdentifierOf,
  keyUsage,
  personalDataSubjectAltName,
  subjectKeyIdentifier,
  subjectPublicKeyOf,
} from './extensions.js';
import { readIssuingRoot } from './issuing-root.js';
import { encodeName, type NameAttribute } from './names.js';
import { encodeTbsCertificate, readTbsCertificate } from './tbs-certificate.js';

export async function prepare(ca: IssuingCa, request: LeafRequest): Promise<PreparedCertificate> {
  checkProfile(ca, request);
  const root = readIssuingRoot(ca);
  const spki = subjectPublicKeyInfoOf(request.subjectPublicKeyInfo);
  const tbs = encodeTbsCertificate({
    serialNumber: request.serialNumber,
    signatureAlgorithm: signatureAlgorithmFor(root.subjectPublicKeyInfo),
    issuer: root.subject,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    subject: encodeName(subjectOf(request)),
    subjectPublicKeyInfo: spki,
    extensions: extensionsOf(request, keyIdentifierOf(spki), root.keyIdentifier),
  });
  return { request, tbsCertificate: Buffer.from(tbs).toString('base64'), tbsSha256: sha256Hex(tbs) };
}

/** base64 DER of the certificate: the prepared TBSCertificate, signed by the CA's key through `signer`. */
export async function sign(ca: IssuingCa, prepared: PreparedCertificate, signer: Signer): Promise<string> {
  const tbs = Buffer.from(prepared.tbsCertificate, 'base64');
  // The hash is what the ledger recorded before signing: sign nothing else.
  if (sha256Hex(tbs) !== prepared.tbsSha256) throw new Error('the prepared TBSCertificate does not match its recorded SHA-256');
  const root = readIssuingRoot(ca);
  if (!Buffer.from(readTbsCertificate(tbs).issuer).equals(root.subject)) throw new Error('the prepared certificate names another issuer than this CA');
  const certificate = await signTbsCertificate(tbs, ca.keyId, root.subjectPublicKeyInfo, signer);
  return Buffer.from(certificate).toString('base64');
}

/** The port's comments state the profile; a request that breaks it is a bug upstream, not something to paper over. */
function checkProfile(ca: IssuingCa, request: LeafRequest): void {
  // Each type has its own root: a certificate of one type never chains to the other's.
  if (ca.type !== request.type) throw new Error(`a ${request.type} certificate cannot be issued by the ${ca.type} CA`);
  if (request.type === 'signing' && request.personal === undefined) throw new Error('a signing certificate needs the personal attributes');
  if (request.type === 'user-authentication') {
    if (request.personal !== undefined) throw new Error('a user-authentication certificate carries no personal attributes');
    if (request.subject.localities.length > 0) throw new Error('a user-authentication subject is C=JP, CN=<id> only');
  }
}

function subjectPublicKeyInfoOf(base64: string): Uint8Array {
  try {
    const der = readSingle(Buffer.from(base64, 'base64'), TAG.sequence).bytes;
    subjectPublicKeyOf(der);
    return der;
  } catch (cause) {
    throw new Error('subjectPublicKeyInfo is not a DER SubjectPublicKeyInfo', { cause });
  }
}

/** C=JP, one L per locality (prefecture, then city), CN: no personal data in the subject. */
function subjectOf(request: LeafRequest): NameAttribute[] {
  return [
    { type: 'C', value: 'JP' },
    ...request.subject.localities.map((value): NameAttribute => ({ type: 'L', value })),
    { type: 'CN', value: request.subject.commonName },
  ];
}

function extensionsOf(request: LeafRequest, subjectKeyId: Uint8Array, authorityKeyId: Uint8Array): Extension[] {
  const usage = request.type === 'signing' ? KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation : KeyUsageFlags.digitalSignature;
  return [
    keyUsage(usage),
    certificatePolicies(request.policyOid, request.cpsUri),
    ...(request.personal === undefined ? [] : [personalDataSubjectAltName(request.personal)]),
    crlDistributionPoints(request.crlDistributionPoints),
    authorityInfoAccess(request.ocspUrl, request.caIssuersUrl),
    subjectKeyIdentifier(subjectKeyId),
    authorityKeyIdentifier(authorityKeyId),
  ];
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
