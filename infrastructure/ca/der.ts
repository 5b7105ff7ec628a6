/**
 * Just enough DER to handle exact bytes: @peculiar's serializer re-encodes whatever it parses, but
 * the issuer Name must be the root's bytes, the SubjectPublicKeyInfo the CSR's, and the signed
 * certificate must carry the very TBSCertificate whose hash was recorded. Single-byte tags and
 * definite lengths only, which is all X.509 uses.
 */

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  objectIdentifier: 0x06,
  enumerated: 0x0a,
  utf8String: 0x0c,
  printableString: 0x13,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
  /** [0] EXPLICIT, constructed: the TBSCertificate version, the TBSCertList extensions. */
  context0: 0xa0,
  /** [1] and [2] EXPLICIT, constructed: OCSP's requestorName, requestExtensions, ResponderID, responseExtensions. */
  context1: 0xa1,
  context2: 0xa2,
  /** [3] EXPLICIT, constructed: the TBSCertificate extensions. */
  context3: 0xa3,
} as const;

export interface Tlv {
  readonly tag: number;
  /** The whole element: tag, length and content. */
  readonly bytes: Uint8Array;
  readonly content: Uint8Array;
}

export function encodeTlv(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  const length = contents.reduce((sum, part) => sum + part.length, 0);
  const header = encodeHeader(tag, length);
  const out = new Uint8Array(header.length + length);
  out.set(header);
  let offset = header.length;
  for (const part of contents) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The longest header `encodeHeader` writes for contents under 4 GiB: the tag, a count octet, four length octets. */
export const MAX_HEADER_BYTES = 6;

/** Tag and length alone, for a writer that puts the content in place itself rather than joining parts. */
export function encodeHeader(tag: number, length: number): Uint8Array {
  return Uint8Array.of(tag, ...encodeLength(length));
}

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return [0x80 | octets.length, ...octets];
}

/** The element starting at `offset`; throws when it is cut short. */
export function readTlv(der: Uint8Array, offset = 0): Tlv {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined) throw new Error('DER element is truncated');
  if ((tag & 0x1f) === 0x1f) throw new Error('DER element has a multi-byte tag');
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER element has an unsupported length');
    length = 0;
    for (let i = 0; i < count; i++) {
      const octet = der[offset + 2 + i];
      if (octet === undefined) throw new Error('DER element is truncated');
      length = length * 256 + octet;
    }
    header += count;
  }
  const end = offset + header + length;
  if (end > der.length) throw new Error('DER element is truncated');
  return { tag, bytes: der.subarray(offset, end), content: der.subarray(offset + header, end) };
}

/** The one element that `der` holds, with nothing after it. */
export function readSingle(der: Uint8Array, expectedTag: number): Tlv {
  const tlv = readTlv(der);
  if (tlv.tag !== expectedTag) throw new Error('DER element has an unexpected tag');
  if (tlv.bytes.length !== der.length) throw new Error('DER element is followed by extra bytes');
  return tlv;
}

export function childrenOf(tlv: Tlv): Tlv[] {
  const children: Tlv[] = [];
  for (let offset = 0; offset < tlv.content.length; ) {
    const child = readTlv(tlv.content, offset);
    children.push(child);
    offset += child.bytes.length;
  }
  return children;
}

/** A positive INTEGER from unsigned big-endian bytes: a leading 00 keeps a set top bit from reading as negative. */
export function encodeUnsignedInteger(value: Uint8Array): Uint8Array {
  const first = value[0];
  if (first === undefined) throw new Error('an INTEGER needs at least one octet');
  return first & 0x80 ? encodeTlv(TAG.integer, Uint8Array.of(0), value) : encodeTlv(TAG.integer, value);
}

/** A BIT STRING of whole octets (no unused bits), as signatures are. */
export function encodeBitString(octets: Uint8Array): Uint8Array {
  return encodeTlv(TAG.bitString, Uint8Array.of(0), octets);
}

/** An OBJECT IDENTIFIER from its dotted form (X.690 §8.19: base-128 arcs, the first two joined). */
export function encodeOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((arc) => (/^\d+$/.test(arc) ? Number(arc) : Number.NaN));
  const [first, second] = arcs;
  if (first === undefined || second === undefined || arcs.some((arc) => !Number.isSafeInteger(arc)) || first > 2 || (first < 2 && second > 39)) {
    throw new Error(`not an object identifier: ${dotted}`);
  }
  const octets: number[] = [];
  for (const arc of [first * 40 + second, ...arcs.slice(2)]) {
    const base128 = [arc % 128];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) base128.unshift((rest % 128) | 0x80);
    octets.push(...base128);
  }
  return encodeTlv(TAG.objectIdentifier, Uint8Array.from(octets));
}

/** A UTF8String; a lone surrogate has no UTF-8 form and is refused rather than replaced. */
export function encodeUtf8String(value: string): Uint8Array {
  if (/\p{Cs}/u.test(value)) throw new Error('a UTF8String cannot hold a lone surrogate');
  return encodeTlv(TAG.utf8String, Buffer.from(value, 'utf8'));
}

/**
 * An X.509 Time (RFC 5280 §4.1.2.5): UTCTime YYMMDDHHMMSSZ through 2049, GeneralizedTime
 * YYYYMMDDHHMMSSZ from 2050 on, in whole seconds (any fraction of `date` is dropped). Before 1950
 * UTCTime cannot say the year: refused.
 */
export function encodeTime(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new Error('an X.509 Time holds the years 1950 to 9999');
  const two = (n: number): string => String(n).padStart(2, '0');
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  return year < 2050 ? encodeTlv(TAG.utcTime, Buffer.from(`${two(year % 100)}${rest}`, 'latin1')) : encodeTlv(TAG.generalizedTime, Buffer.from(`${year}${rest}`, 'latin1'));
}

/** The BIT STRING's octets when it has no unused bits, as keys and signatures do; throws otherwise. */
export function bitStringOctets(tlv: Tlv): Uint8Array {
  if (tlv.tag !== TAG.bitString || tlv.content[0] !== 0) throw new Error('expected a BIT STRING of whole octets');
  return tlv.content.subarray(1);
}
