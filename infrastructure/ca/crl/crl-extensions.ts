/**
 * The extensions of a CRL (RFC 5280 §5.2) and of its entries (§5.3), as DER written with der.ts:
 * CRL numbers are bigints (asn1-x509's CRLNumber holds a JS number, which stops being exact at 2^53),
 * and the entry extensions are a handful of constants that every entry copies.
 */
import '../x509-bootstrap.js';
import { TAG, encodeTlv, encodeUnsignedInteger } from '../der.js';
import { authorityKeyIdentifier as authorityKeyIdentifierExtension, encodeExtension as extension, extensionDer } from '../extensions.js';
import { GENERALIZED_TIME_BYTES } from './crl-time.js';

/** id-ce arc 2.5.29, whose first two arcs are the single octet 0x55. */
const idCe = (arc: number): Uint8Array => encodeTlv(TAG.objectIdentifier, Uint8Array.of(0x55, 0x1d, arc));
const ID_CE_CRL_NUMBER = idCe(20);
const ID_CE_REASON_CODE = idCe(21);
const ID_CE_INVALIDITY_DATE = idCe(24);
const ID_CE_DELTA_CRL_INDICATOR = idCe(27);
const ID_CE_ISSUING_DISTRIBUTION_POINT = idCe(28);
const ID_CE_FRESHEST_CRL = idCe(46);

/** Context tags of (Issuing)DistributionPoint (implicitly tagged module, RFC 5280 appendix A.2). */
const DISTRIBUTION_POINT = 0xa0; // [0] DistributionPointName, constructed: a CHOICE keeps its own tag
const FULL_NAME = 0xa0; // [0] GeneralNames, constructed
const IDP_ONLY_CONTAINS_USER_CERTS = 0x81; // [1] BOOLEAN
const GENERAL_NAME_URI = 0x86; // [6] IA5String
/** RFC 5280 §5.2.3 and §5.2.4: CRL numbers are at most 20 octets. */
const MAX_CRL_NUMBER_OCTETS = 20;

/** The CRL's authorityKeyIdentifier: the root's SKI, as the leaves carry it. */
export function authorityKeyIdentifier(keyIdentifier: Uint8Array): Uint8Array {
  return extensionDer(authorityKeyIdentifierExtension(keyIdentifier));
}

/** cRLNumber, not critical (§5.2.3). */
export function crlNumber(value: bigint): Uint8Array {
  return extension(ID_CE_CRL_NUMBER, false, crlNumberInteger(value, 'crlNumber'));
}

/** deltaCRLIndicator naming the base CRL's number, critical (§5.2.4). */
export function deltaCrlIndicator(baseCrlNumber: bigint): Uint8Array {
  return extension(ID_CE_DELTA_CRL_INDICATOR, true, crlNumberInteger(baseCrlNumber, 'deltaOf'));
}

/**
 * issuingDistributionPoint, critical (§5.2.5): the partition's URL as the one fullName, and
 * onlyContainsUserCerts TRUE, because an issuing root lists only residents' certificates, never a
 * CA's: relying parties then do not take the partition as covering a CA certificate.
 */
export function issuingDistributionPoint(url: string): Uint8Array {
  const onlyContainsUserCerts = encodeTlv(IDP_ONLY_CONTAINS_USER_CERTS, Uint8Array.of(0xff));
  return extension(ID_CE_ISSUING_DISTRIBUTION_POINT, true, encodeTlv(TAG.sequence, distributionPointName(url, 'issuingDistributionPoint'), onlyContainsUserCerts));
}

/**
 * freshestCRL, not critical (§5.2.6): where the delta CRLs for this complete CRL are published, as
 * one DistributionPoint. Relying parties look for deltas only when it is there (openssl among them).
 */
export function freshestCrl(url: string): Uint8Array {
  return extension(ID_CE_FRESHEST_CRL, false, encodeTlv(TAG.sequence, encodeTlv(TAG.sequence, distributionPointName(url, 'freshestCrl'))));
}

/** distributionPoint [0] { fullName [0] { uniformResourceIdentifier [6] url } }. */
function distributionPointName(url: string, field: string): Uint8Array {
  // IA5String holds ASCII only; a URL with spaces or other text would not match any certificate's CRLDP.
  if (!/^[\x21-\x7e]+$/.test(url)) throw new Error(`${field} must be a printable ASCII URL without spaces: ${url}`);
  return encodeTlv(DISTRIBUTION_POINT, encodeTlv(FULL_NAME, encodeTlv(GENERAL_NAME_URI, new TextEncoder().encode(url))));
}

/** A non-negative INTEGER of at most 20 octets (a sign pad included) from a bigint. */
function crlNumberInteger(value: bigint, field: string): Uint8Array {
  if (value < 0n) throw new Error(`${field} must not be negative`);
  const hex = value.toString(16);
  const octets = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  const signPad = octets[0]! & 0x80 ? 1 : 0;
  if (octets.length + signPad > MAX_CRL_NUMBER_OCTETS) throw new Error(`${field} is longer than ${MAX_CRL_NUMBER_OCTETS} octets once encoded (RFC 5280 §5.2.3)`);
  return encodeUnsignedInteger(octets);
}

/**
 * reasonCode entry extensions (§5.3.1), not critical, indexed by CRLReason value: `Extension {
 * 2.5.29.21, OCTET STRING { ENUMERATED code } }`, 12 bytes each. None for 7, which is not a reason,
 * nor for unspecified (0), which §5.3.1 asks to write as no reasonCode at all.
 */
export const REASON_CODE_EXTENSIONS: readonly (Uint8Array | undefined)[] = Array.from({ length: 11 }, (_, code) =>
  code === 0 || code === 7 ? undefined : extension(ID_CE_REASON_CODE, false, encodeTlv(TAG.enumerated, Uint8Array.of(code))),
);

/**
 * The invalidityDate entry extension (§5.3.2, not critical) up to its GeneralizedTime, which each
 * entry writes after this prefix: `Extension { 2.5.29.24, OCTET STRING { GeneralizedTime } }`.
 */
export const INVALIDITY_DATE_PREFIX = extension(ID_CE_INVALIDITY_DATE, false, new Uint8Array(GENERALIZED_TIME_BYTES)).subarray(0, -GENERALIZED_TIME_BYTES);
