/**
 * The TBSCertificate as exact bytes. Fields that must be copied verbatim (issuer Name, subject
 * public key) go in as DER; the extensions are written by `extensionDer`, the rest with der.ts.
 */
import './x509-bootstrap.js';
import type { Extension } from '@peculiar/asn1-x509';
import { TAG, childrenOf, encodeTime, encodeTlv, encodeUnsignedInteger, readSingle } from './der.js';
import { extensionDer } from './extensions.js';

export interface TbsCertificateFields {
  /** Uppercase hex, as openssl prints it (see serialNumberOctets). */
  readonly serialNumber: string;
  /** AlgorithmIdentifier DER. */
  readonly signatureAlgorithm: Uint8Array;
  /** Name DER. */
  readonly issuer: Uint8Array;
  /** ISO instants with whole seconds. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** Name DER. */
  readonly subject: Uint8Array;
  /** SubjectPublicKeyInfo DER. */
  readonly subjectPublicKeyInfo: Uint8Array;
  readonly extensions: readonly Extension[];
}

/** The DER-encoded parts of a TBSCertificate that signing and issuing need to find again. */
export interface TbsCertificateParts {
  readonly signatureAlgorithm: Uint8Array;
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly subjectPublicKeyInfo: Uint8Array;
}

const VERSION_3 = encodeTlv(TAG.context0, encodeTlv(TAG.integer, Uint8Array.of(2)));

export function encodeTbsCertificate(fields: TbsCertificateFields): Uint8Array {
  const notBefore = instant(fields.notBefore, 'notBefore');
  const notAfter = instant(fields.notAfter, 'notAfter');
  if (notAfter < notBefore) throw new Error('notAfter is before notBefore');
  const extensions = encodeTlv(TAG.sequence, ...fields.extensions.map(extensionDer));
  return encodeTlv(
    TAG.sequence,
    VERSION_3,
    encodeUnsignedInteger(serialNumberOctets(fields.serialNumber)),
    fields.signatureAlgorithm,
    fields.issuer,
    encodeTlv(TAG.sequence, encodeTime(notBefore), encodeTime(notAfter)),
    fields.subject,
    fields.subjectPublicKeyInfo,
    encodeTlv(TAG.context3, extensions),
  );
}

export function readTbsCertificate(tbsCertificate: Uint8Array): TbsCertificateParts {
  const fields = childrenOf(readSingle(tbsCertificate, TAG.sequence));
  // version is [0] EXPLICIT with DEFAULT v1, so a v1 certificate simply has no such field.
  const at = fields[0]?.tag === TAG.context0 ? 1 : 0;
  const [, signatureAlgorithm, issuer, , subject, subjectPublicKeyInfo] = fields.slice(at);
  if (signatureAlgorithm === undefined || issuer === undefined || subject === undefined || subjectPublicKeyInfo === undefined) {
    throw new Error('the TBSCertificate is missing fields');
  }
  return {
    signatureAlgorithm: signatureAlgorithm.bytes,
    issuer: issuer.bytes,
    subject: subject.bytes,
    subjectPublicKeyInfo: subjectPublicKeyInfo.bytes,
  };
}

/**
 * The serial's octets, refusing any hex that openssl would print differently: it prints whole
 * octets in uppercase and never a leading 00 (DER's minimal INTEGER drops it, and re-adds one only
 * as a sign pad when the top bit is set). RFC 5280 caps the INTEGER at 20 octets.
 */
export function serialNumberOctets(hex: string): Uint8Array {
  if (!/^(?:[0-9A-F]{2})+$/.test(hex)) throw new Error('serialNumber must be uppercase hex with an even number of digits');
  if (hex.startsWith('00')) throw new Error('serialNumber must not start with 00');
  const octets = Buffer.from(hex, 'hex');
  const signPad = (octets[0] ?? 0) & 0x80 ? 1 : 0;
  if (octets.length + signPad > 20) throw new Error('serialNumber is longer than 20 octets once encoded (RFC 5280 §4.1.2.2)');
  return octets;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.0+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parsed by hand because Date accepts 30 February and 24:00 and quietly moves them on. Whole seconds
 * only: certificate times carry no fraction, so anything finer could not be kept exactly.
 */
export function instant(iso: string, field: string): Date {
  const match = ISO_INSTANT.exec(iso);
  if (match === null) throw new Error(`${field} must be an ISO instant with whole seconds and an offset`);
  const part = (index: number): number => Number(match[index] ?? 0);
  const [year, month, day, hour, minute, second] = [part(1), part(2), part(3), part(4), part(5), part(6)];
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls an out-of-range month or day over (and reads years 0–99 as 1900–1999); reading them back catches that.
  const exists = local.getUTCFullYear() === year && local.getUTCMonth() === month - 1 && local.getUTCDate() === day;
  if (!exists || hour > 23 || minute > 59 || second > 59 || part(8) > 23 || part(9) > 59) throw new Error(`${field} is not a valid date and time`);
  const offsetMinutes = (match[7] === '-' ? -1 : 1) * (part(8) * 60 + part(9));
  const date = new Date(local.getTime() - offsetMinutes * 60_000);
  // Before 1950 UTCTime cannot say the year (der.ts encodeTime).
  if (date.getUTCFullYear() < 1950) throw new Error(`${field} is before 1950 (UTC)`);
  return date;
}
