/**
 * The X.509 extensions of the JPKI profile, built from @peculiar/asn1-x509 structures — except the
 * two a leaf carries that change with every certificate (the personal-data SAN and the key
 * identifiers), written directly in DER; and those that depend only on the CA and configuration
 * are encoded once and kept. (Building a leaf's extensions with the serializer cost ~0.4 ms, the
 * SAN alone ~0.17 ms; docs/performance.md.) A test holds the DER writers to the serializer.
 */
import './x509-bootstrap.js';
import { createHash } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
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
  PolicyInformation,
  PolicyQualifierInfo,
  Qualifier,
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
import { TAG, bitStringOctets, childrenOf, encodeOid, encodeTlv, encodeUtf8String, readSingle } from './der.js';

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

/**
 * Extensions that depend only on their arguments (the CA, the configuration, the municipality),
 * encoded once. Extension objects are only ever read (serialised), so one may be shared; the bound
 * only guards against a configuration that changes without end.
 */
const kept = new Map<string, Extension>();
const KEPT_AT_MOST = 10_000;

function keep(key: string, build: () => Extension): Extension {
  let extension = kept.get(key);
  if (extension === undefined) {
    if (kept.size >= KEPT_AT_MOST) kept.clear();
    extension = build();
    kept.set(key, extension);
  }
  return extension;
}

const DER_TRUE = encodeTlv(TAG.boolean, Uint8Array.of(0xff));

/** Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }; DER leaves a FALSE default out. */
export function encodeExtension(extnId: Uint8Array, critical: boolean, value: Uint8Array): Uint8Array {
  const octets = encodeTlv(TAG.octetString, value);
  return critical ? encodeTlv(TAG.sequence, extnId, DER_TRUE, octets) : encodeTlv(TAG.sequence, extnId, octets);
}

const extensionDers = new WeakMap<Extension, Uint8Array>();

/** An Extension object's DER, written directly, and remembered for the extensions that are kept and shared. */
export function extensionDer(extension: Extension): Uint8Array {
  let der = extensionDers.get(extension);
  if (der === undefined) {
    der = encodeExtension(encodeOid(extension.extnID), extension.critical, new Uint8Array(extension.extnValue.buffer));
    extensionDers.set(extension, der);
  }
  return der;
}

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
  return keep(`keyUsage\n${flags}`, () => extension(id_ce_keyUsage, CRITICAL, new KeyUsage(flags)));
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
  return createHash('sha1').update(subjectPublicKeyOf(subjectPublicKeyInfo)).digest();
}

/**
 * The subjectPublicKey BIT STRING's octets of a SubjectPublicKeyInfo DER — SEQUENCE { algorithm
 * AlgorithmIdentifier (a SEQUENCE that starts with the OID), subjectPublicKey BIT STRING } — whole
 * and alone; throws on anything else.
 */
export function subjectPublicKeyOf(subjectPublicKeyInfo: Uint8Array): Uint8Array {
  const [algorithm, key, ...rest] = childrenOf(readSingle(subjectPublicKeyInfo, TAG.sequence));
  if (algorithm?.tag !== TAG.sequence || childrenOf(algorithm)[0]?.tag !== TAG.objectIdentifier || key === undefined || rest.length > 0) {
    throw new Error('not a DER SubjectPublicKeyInfo');
  }
  return bitStringOctets(key);
}

/** Its value is an OCTET STRING of the identifier. */
export function subjectKeyIdentifier(keyIdentifier: Uint8Array): Extension {
  return new Extension({ extnID: id_ce_subjectKeyIdentifier, critical: !CRITICAL, extnValue: new OctetString(encodeTlv(TAG.octetString, keyIdentifier)) });
}

export function authorityKeyIdentifier(keyIdentifier: Uint8Array): Extension {
  return keep(`authorityKeyIdentifier\n${Buffer.from(keyIdentifier).toString('hex')}`, () =>
    extension(id_ce_authorityKeyIdentifier, !CRITICAL, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyIdentifier) })),
  );
}

/** Critical, as the JPKI profile has it: a relying party that does not know the policy must reject. */
export function certificatePolicies(policyOid: string, cpsUri: string): Extension {
  return keep(`certificatePolicies\n${policyOid}\n${cpsUri}`, () => buildCertificatePolicies(policyOid, cpsUri));
}

function buildCertificatePolicies(policyOid: string, cpsUri: string): Extension {
  const cps = new PolicyQualifierInfo({
    policyQualifierId: id_qt_csp,
    qualifier: AsnConvert.serialize(new Qualifier({ cPSuri: ia5Uri(cpsUri) })),
  });
  return extension(id_ce_certificatePolicies, CRITICAL, new CertificatePolicies([new PolicyInformation({ policyIdentifier: policyOid, policyQualifiers: [cps] })]));
}

/** One distribution point per URL, in the order given (the municipality's partition first). */
export function crlDistributionPoints(urls: readonly string[]): Extension {
  if (urls.length === 0) throw new Error('at least one CRL distribution point is needed');
  return keep(`crlDistributionPoints\n${urls.join('\n')}`, () => {
    const points = urls.map((url) => new DistributionPoint({ distributionPoint: new DistributionPointName({ fullName: [uri(url)] }) }));
    return extension(id_ce_cRLDistributionPoints, !CRITICAL, new CRLDistributionPoints(points));
  });
}

export function authorityInfoAccess(ocspUrl: string, caIssuersUrl: string): Extension {
  return keep(`authorityInfoAccess\n${ocspUrl}\n${caIssuersUrl}`, () => buildAuthorityInfoAccess(ocspUrl, caIssuersUrl));
}

function buildAuthorityInfoAccess(ocspUrl: string, caIssuersUrl: string): Extension {
  return extension(
    id_pe_authorityInfoAccess,
    !CRITICAL,
    new AuthorityInfoAccessSyntax([
      new AccessDescription({ accessMethod: id_ad_ocsp, accessLocation: uri(ocspUrl) }),
      new AccessDescription({ accessMethod: id_ad_caIssuers, accessLocation: uri(caIssuersUrl) }),
    ]),
  );
}

const PERSONAL_DATA_OID_DER = Object.fromEntries(
  Object.entries(PERSONAL_DATA_OIDS).map(([field, oid]) => [field, encodeOid(oid)]),
) as Readonly<Record<keyof PersonalAttributes, Uint8Array>>;

/** GeneralName's otherName is [0] IMPLICIT OtherName; OtherName's value is [0] EXPLICIT. */
const OTHER_NAME = 0xa0;
const OTHER_NAME_VALUE = 0xa0;

/**
 * The six personal-data otherNames, each value a UTF8String inside the otherName's [0] EXPLICIT:
 * SubjectAltName ::= SEQUENCE OF GeneralName, each GeneralName [0] { type-id OID, [0] { UTF8String } }.
 * Not critical: the subject DN is not empty (RFC 5280 §4.2.1.6).
 */
export function personalDataSubjectAltName(personal: PersonalAttributes): Extension {
  const names = (Object.keys(PERSONAL_DATA_OIDS) as (keyof PersonalAttributes)[]).map((field) =>
    encodeTlv(OTHER_NAME, PERSONAL_DATA_OID_DER[field], encodeTlv(OTHER_NAME_VALUE, encodeUtf8String(personal[field]))),
  );
  return new Extension({ extnID: id_ce_subjectAltName, critical: !CRITICAL, extnValue: new OctetString(encodeTlv(TAG.sequence, ...names)) });
}
