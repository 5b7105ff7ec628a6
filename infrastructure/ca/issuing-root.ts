/** What a leaf needs from its issuing root, read from the root certificate's own bytes. */
import './x509-bootstrap.js';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, SubjectKeyIdentifier, id_ce_subjectKeyIdentifier } from '@peculiar/asn1-x509';
import type { IssuingCa } from '../../domain/ports/certificate-authority.js';
import { TAG, childrenOf, readSingle } from './der.js';
import { keyIdentifierOf } from './extensions.js';
import { keyIdOf } from './key-id.js';
import { readTbsCertificate } from './tbs-certificate.js';

export interface IssuingRoot {
  /** The root's subject Name DER, byte for byte: the leaves' issuer. */
  readonly subject: Uint8Array;
  readonly subjectPublicKeyInfo: Uint8Array;
  /** The root's subjectKeyIdentifier: the leaves' authorityKeyIdentifier. */
  readonly keyIdentifier: Uint8Array;
}

/** Roots are few and immutable: each is read once (parsing its SKI costs milliseconds per issuance). */
const roots = new Map<string, IssuingRoot>();

export function readIssuingRoot(ca: IssuingCa): IssuingRoot {
  const cacheKey = `${ca.keyId}:${ca.certificate}`;
  const cached = roots.get(cacheKey);
  if (cached !== undefined) return cached;
  const root = parseIssuingRoot(ca);
  roots.set(cacheKey, root);
  return root;
}

function parseIssuingRoot(ca: IssuingCa): IssuingRoot {
  const der = Buffer.from(ca.certificate, 'base64');
  const [tbs] = childrenOf(readSingle(der, TAG.sequence));
  if (tbs === undefined) throw new Error('the CA certificate is empty');
  const { subject, subjectPublicKeyInfo } = readTbsCertificate(tbs.bytes);
  // Root generations share one DN, so the key, not the name, says which CA this is.
  if (keyIdOf(subjectPublicKeyInfo) !== ca.keyId) throw new Error(`key ${ca.keyId} is not the key of the CA certificate`);
  return { subject, subjectPublicKeyInfo, keyIdentifier: subjectKeyIdentifierOf(der) ?? keyIdentifierOf(subjectPublicKeyInfo) };
}

/** The root's own SKI when it has one (a root made elsewhere may use another method than ours). */
function subjectKeyIdentifierOf(certificate: Uint8Array): Uint8Array | undefined {
  const extension = AsnConvert.parse(certificate, Certificate).tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  return extension === undefined ? undefined : new Uint8Array(AsnConvert.parse(extension.extnValue, SubjectKeyIdentifier).buffer);
}
