/**
 * The delegated OCSP responder certificate (RFC 6960 §4.2.2.2): issued by the CA to a key of its
 * own, so that answering status questions never needs the CA key itself. Built TBS-first and signed
 * through the Signer like every certificate the CA issues.
 */
import '../x509-bootstrap.js';
import { KeyUsageFlags, id_kp_OCSPSigning } from '@peculiar/asn1-x509';
import type { IssuingCa } from '../../../domain/ports/certificate-authority.js';
import type { Signer } from '../../../domain/ports/signer.js';
import { signTbsCertificate, signatureAlgorithmFor } from '../certificate-signing.js';
import { TAG, encodeTlv, readSingle } from '../der.js';
import { authorityKeyIdentifier, extendedKeyUsage, keyIdentifierOf, keyUsage, ocspNoCheck, subjectKeyIdentifier } from '../extensions.js';
import { readIssuingRoot } from '../issuing-root.js';
import { keyIdOf } from '../key-id.js';
import { encodeName } from '../names.js';
import { encodeTbsCertificate } from '../tbs-certificate.js';

export interface ResponderCertificateParams {
  readonly ca: IssuingCa;
  /** The signer's id for the responder key: hex SHA-256 of `responderSpki`. */
  readonly responderKeyId: string;
  /** base64 SubjectPublicKeyInfo DER of the responder key: RSA or ECDSA P-256, as the Signer signs with. */
  readonly responderSpki: string;
  /** Uppercase hex, no leading 00. */
  readonly serialNumber: string;
  /** ISO instants with whole seconds; the responder is rotated before notAfter. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** The CN appended to the CA's own name, e.g. `OCSP Responder 2026-11`. */
  readonly subjectCommonName: string;
}

/**
 * base64 DER of the responder certificate. Its subject is the CA's name plus a CN, so it reads as
 * that CA's responder. id-kp-OCSPSigning is what makes clients accept the delegation; nocheck
 * spares them asking about the responder itself (RFC 6960 §4.2.2.2.1).
 */
export async function createResponderCertificate(params: ResponderCertificateParams, signer: Signer): Promise<string> {
  const spki = readSingle(Buffer.from(params.responderSpki, 'base64'), TAG.sequence).bytes;
  if (keyIdOf(spki) !== params.responderKeyId) throw new Error(`key id ${params.responderKeyId} is not the SHA-256 of the given public key`);
  // A certificate for the CA key itself would let that key sign OCSP responses on a second authority.
  if (params.responderKeyId === params.ca.keyId) throw new Error('the OCSP responder needs a key of its own, not the CA key');
  signatureAlgorithmFor(spki); // throws for a key the Signer cannot sign OCSP responses with
  const root = readIssuingRoot(params.ca);
  const tbs = encodeTbsCertificate({
    serialNumber: params.serialNumber,
    signatureAlgorithm: signatureAlgorithmFor(root.subjectPublicKeyInfo),
    issuer: root.subject,
    notBefore: params.notBefore,
    notAfter: params.notAfter,
    subject: withCommonName(root.subject, params.subjectCommonName),
    subjectPublicKeyInfo: spki,
    extensions: [
      keyUsage(KeyUsageFlags.digitalSignature),
      extendedKeyUsage([id_kp_OCSPSigning]),
      ocspNoCheck(),
      subjectKeyIdentifier(keyIdentifierOf(spki)),
      authorityKeyIdentifier(root.keyIdentifier),
    ],
  });
  const certificate = await signTbsCertificate(tbs, params.ca.keyId, root.subjectPublicKeyInfo, signer);
  return Buffer.from(certificate).toString('base64');
}

/** `name` (Name DER, a SEQUENCE of RDNs) with one more RDN, CN=`commonName`, at its end. */
function withCommonName(name: Uint8Array, commonName: string): Uint8Array {
  const commonNameRdn = readSingle(encodeName([{ type: 'CN', value: commonName }]), TAG.sequence).content;
  return encodeTlv(TAG.sequence, readSingle(name, TAG.sequence).content, commonNameRdn);
}
