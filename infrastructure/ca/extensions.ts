/** The X.509 extensions of the JPKI profile, built from @peculiar/asn1-x509 structures. */
import './x509-bootstrap.js';
import { createHash } from 'node:crypto';
import { AsnConvert, AsnUtf8StringConverter, OctetString } from '@peculiar/asn1-schema';
import {
  AccessDescription,
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CertificatePolicies,
  CRLDistributionPoints,
  DistributionPoint,
  DistributionPointName,
  ExtendedKeyUsage,
  Extension,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  type KeyUsageFlags,
  OtherName,
  PolicyInformation,
  PolicyQualifierInfo,
  Qualifier,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  id_ad_caIssuers,
  id_ad_ocsp,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_certificatePolicies,
  id_ce_cRLDistributionPoints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_pe_authorityInfoAccess,
  id_qt_csp,
} from '@peculiar/asn1-x509';
import type { PersonalAttributes } from '../../domain/ports/certificate-authority.js';

/** J-LIS "personal data" arc: the SAN otherNames of a signing certificate. */
export const PERSONAL_DATA_OIDS = {
  name: '1.2.392.200149.8.5.5.1',
  nameFlags: '1.2.392.200149.8.5.5.2',
  sex: '1.2.392.200149.8.5.5.3',
  dateOfBirth: '1.2.392.200149.8.5.5.4',
  address: '1.2.392.200149.8.5.5.5',
  addressFlags: '1.2.392.200149.8.5.5.6',
} as const satisfies Record<keyof PersonalAttributes, string>;

const CRITICAL = true;

function extension(extnID: string, critical: boolean, value: object): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** URIs travel as IA5String, which holds ASCII only: refuse rather than mangle anything else. */
function ia5Uri(value: string): string {
  if (!/^[\x21-\x7e]+$/.test(value)) throw new Error('URIs in certificates must be printable ASCII without spaces');
  return value;
}

function uri(value: string): GeneralName {
  return new GeneralName({ uniformResourceIdentifier: ia5Uri(value) });
}

export function caBasicConstraints(): Extension {
  return extension(id_ce_basicConstraints, CRITICAL, new BasicConstraints({ cA: true }));
}

export function keyUsage(flags: KeyUsageFlags): Extension {
  return extension(id_ce_keyUsage, CRITICAL, new KeyUsage(flags));
}

/** Not critical, as is usual for OCSP responders (RFC 5280 §4.2.1.12 allows either): the critical keyUsage already bounds the key. */
export function extendedKeyUsage(purposes: readonly string[]): Extension {
  return extension(id_ce_extKeyUsage, !CRITICAL, new ExtendedKeyUsage([...purposes]));
}

/** id-pkix-ocsp-nocheck: clients need not ask about an OCSP responder's own certificate (RFC 6960 §4.2.2.2.1). */
const ID_PKIX_OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';
/** Its value is NULL. */
const DER_NULL = Uint8Array.of(0x05, 0x00);

export function ocspNoCheck(): Extension {
  return new Extension({ extnID: ID_PKIX_OCSP_NOCHECK, critical: !CRITICAL, extnValue: new OctetString(DER_NULL) });
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdentifierOf(subjectPublicKeyInfo: Uint8Array): Uint8Array {
  const spki = AsnConvert.parse(subjectPublicKeyInfo, SubjectPublicKeyInfo);
  return createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest();
}

export function subjectKeyIdentifier(keyIdentifier: Uint8Array): Extension {
  return extension(id_ce_subjectKeyIdentifier, !CRITICAL, new SubjectKeyIdentifier(keyIdentifier));
}

export function authorityKeyIdentifier(keyIdentifier: Uint8Array): Extension {
  return extension(id_ce_authorityKeyIdentifier, !CRITICAL, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyIdentifier) }));
}

/** Critical, as the JPKI profile has it: a relying party that does not know the policy must reject. */
export function certificatePolicies(policyOid: string, cpsUri: string): Extension {
  const cps = new PolicyQualifierInfo({
    policyQualifierId: id_qt_csp,
    qualifier: AsnConvert.serialize(new Qualifier({ cPSuri: ia5Uri(cpsUri) })),
  });
  return extension(id_ce_certificatePolicies, CRITICAL, new CertificatePolicies([new PolicyInformation({ policyIdentifier: policyOid, policyQualifiers: [cps] })]));
}

/** One distribution point per URL, in the order given (the municipality's partition first). */
export function crlDistributionPoints(urls: readonly string[]): Extension {
  if (urls.length === 0) throw new Error('at least one CRL distribution point is needed');
  const points = urls.map((url) => new DistributionPoint({ distributionPoint: new DistributionPointName({ fullName: [uri(url)] }) }));
  return extension(id_ce_cRLDistributionPoints, !CRITICAL, new CRLDistributionPoints(points));
}

export function authorityInfoAccess(ocspUrl: string, caIssuersUrl: string): Extension {
  return extension(
    id_pe_authorityInfoAccess,
    !CRITICAL,
    new AuthorityInfoAccessSyntax([
      new AccessDescription({ accessMethod: id_ad_ocsp, accessLocation: uri(ocspUrl) }),
      new AccessDescription({ accessMethod: id_ad_caIssuers, accessLocation: uri(caIssuersUrl) }),
    ]),
  );
}

/**
 * The six personal-data otherNames, each value a UTF8String inside the otherName's [0] EXPLICIT.
 * Not critical: the subject DN is not empty (RFC 5280 §4.2.1.6).
 */
export function personalDataSubjectAltName(personal: PersonalAttributes): Extension {
  const names = (Object.keys(PERSONAL_DATA_OIDS) as (keyof PersonalAttributes)[]).map(
    (field) =>
      new GeneralName({
        otherName: new OtherName({
          typeId: PERSONAL_DATA_OIDS[field],
          value: AsnConvert.serialize(AsnUtf8StringConverter.toASN(personal[field])),
        }),
      }),
  );
  return extension(id_ce_subjectAltName, !CRITICAL, new SubjectAlternativeName(names));
}
