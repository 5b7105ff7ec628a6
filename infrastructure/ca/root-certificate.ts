/** A single-tier JPKI root: self-signed, one per certificate type, each with its own key. */
import './x509-bootstrap.js';
import { KeyUsageFlags } from '@peculiar/asn1-x509';
import type { Signer } from '../../domain/ports/signer.js';
import { signTbsCertificate, signatureAlgorithmFor } from './certificate-signing.js';
import { authorityKeyIdentifier, caBasicConstraints, keyIdentifierOf, keyUsage, subjectKeyIdentifier } from './extensions.js';
import { keyIdOf } from './key-id.js';
import { encodeName, type NameAttribute } from './names.js';
import { encodeTbsCertificate } from './tbs-certificate.js';

export interface RootCertificateParams {
  /** Most general first, e.g. C=JP, O=JPKI, OU=JPKI for digital signature. */
  readonly subject: readonly NameAttribute[];
  /** The signer's id for the root key: hex SHA-256 of `subjectPublicKeyInfo`. */
  readonly keyId: string;
  /** base64 SubjectPublicKeyInfo DER of the root key. */
  readonly subjectPublicKeyInfo: string;
  /** Uppercase hex, no leading 00. */
  readonly serialNumber: string;
  /** ISO instants with whole seconds. */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly signer: Signer;
}

/** base64 DER of the self-signed root certificate. */
export async function createRootCertificate(params: RootCertificateParams): Promise<string> {
  const spki = Buffer.from(params.subjectPublicKeyInfo, 'base64');
  if (keyIdOf(spki) !== params.keyId) throw new Error(`key id ${params.keyId} is not the SHA-256 of the given public key`);
  const name = encodeName(params.subject);
  const keyIdentifier = keyIdentifierOf(spki);
  const tbs = encodeTbsCertificate({
    serialNumber: params.serialNumber,
    signatureAlgorithm: signatureAlgorithmFor(spki),
    issuer: name,
    notBefore: params.notBefore,
    notAfter: params.notAfter,
    subject: name,
    subjectPublicKeyInfo: spki,
    extensions: [
      caBasicConstraints(),
      keyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign),
      subjectKeyIdentifier(keyIdentifier),
      authorityKeyIdentifier(keyIdentifier),
    ],
  });
  const certificate = await signTbsCertificate(tbs, params.keyId, spki, params.signer);
  return Buffer.from(certificate).toString('base64');
}
