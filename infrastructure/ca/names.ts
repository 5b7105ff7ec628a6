/** Distinguished names as the CA writes them, in DER written directly (every leaf has its own subject). */
import { TAG, encodeOid, encodeTlv, encodeUtf8String } from './der.js';

const ATTRIBUTE_TYPES = {
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
} as const;

export type NameAttributeType = keyof typeof ATTRIBUTE_TYPES;

const ATTRIBUTE_TYPE_DER = Object.fromEntries(
  Object.entries(ATTRIBUTE_TYPES).map(([type, oid]) => [type, encodeOid(oid)]),
) as Readonly<Record<NameAttributeType, Uint8Array>>;

/** One attribute of a distinguished name, e.g. `{ type: 'OU', value: 'JPKI for digital signature' }`. */
export interface NameAttribute {
  readonly type: NameAttributeType;
  readonly value: string;
}

/**
 * The Name DER for `attributes`, one attribute per RDN, in the order given: the most general first
 * (C=JP, O=…, OU=…), which is also the order openssl prints. countryName is a two-letter
 * PrintableString, as X.520 requires; every other value is a UTF8String, as RFC 5280 asks of new
 * certificates (so Japanese text is carried as is).
 */
export function encodeName(attributes: readonly NameAttribute[]): Uint8Array {
  if (attributes.length === 0) throw new Error('a distinguished name needs at least one attribute');
  const rdns = attributes.map(({ type, value }) => {
    if (type === 'C' && !/^[A-Z]{2}$/.test(value)) throw new Error('countryName must be two capital letters');
    if (value.length === 0) throw new Error(`the ${type} attribute is empty`);
    const encoded = type === 'C' ? encodeTlv(TAG.printableString, Buffer.from(value, 'latin1')) : encodeUtf8String(value);
    return encodeTlv(TAG.set, encodeTlv(TAG.sequence, ATTRIBUTE_TYPE_DER[type], encoded));
  });
  return encodeTlv(TAG.sequence, ...rdns);
}

/**
 * Reads a configured name such as `C=JP, O=JPKI, OU=JPKI for digital signature`: attributes
 * separated by commas, most general first (as openssl prints, the reverse of RFC 4514's string
 * order); values may not themselves contain commas.
 */
export function parseName(text: string): NameAttribute[] {
  return text.split(',').map((part) => {
    const at = part.indexOf('=');
    const type = part.slice(0, at).trim().toUpperCase();
    const value = part.slice(at + 1).trim();
    if (at < 1 || value === '' || !(type in ATTRIBUTE_TYPES)) {
      throw new Error(`cannot read the name part "${part.trim()}": expected TYPE=value with TYPE one of ${Object.keys(ATTRIBUTE_TYPES).join(', ')}`);
    }
    return { type: type as NameAttributeType, value };
  });
}
