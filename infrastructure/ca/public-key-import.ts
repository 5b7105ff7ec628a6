/**
 * A SubjectPublicKeyInfo as a node (OpenSSL) key object. OpenSSL 3's DER decoder takes ~110 µs for
 * an RSA-2048 key here (~0.3 ms in place, cold caches); building the same key from its numbers, as
 * a JWK, takes ~3 µs. So the usual shapes — rsaEncryption with NULL parameters and a minimal
 * positive modulus and exponent; id-ecPublicKey on a named curve with an uncompressed point — are
 * read with the exact-bytes DER reader and imported as JWK (node checks an EC point lies on its
 * curve either way). Anything else goes to OpenSSL's decoder, so what decodes and what does not is
 * OpenSSL's call as before; a test holds the two roads to the same keys.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { TAG, bitStringOctets, childrenOf, readSingle, type Tlv } from './der.js';

/** The key algorithms the decider judges (and this module imports), as the hex of their OID's DER content. */
export const RSA_ENCRYPTION = '2a864886f70d010101'; // 1.2.840.113549.1.1.1
export const EC_PUBLIC_KEY = '2a8648ce3d0201'; // 1.2.840.10045.2.1
const DER_NULL = '0500';

/** Named curves by the hex of their OID's DER content, with their JWK name and coordinate size. */
const CURVES: Readonly<Record<string, { readonly crv: string; readonly size: number }>> = {
  '2a8648ce3d030107': { crv: 'P-256', size: 32 }, // prime256v1
  '2b81040022': { crv: 'P-384', size: 48 }, // secp384r1
  '2b81040023': { crv: 'P-521', size: 66 }, // secp521r1
};

/** The key, or undefined when OpenSSL does not decode it (a modulus or curve point that does not parse). */
export function publicKeyObject(spki: Uint8Array): KeyObject | undefined {
  try {
    const jwk = jwkOf(spki);
    if (jwk !== undefined) return createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    // An unusual key the fast road could not import: OpenSSL's decoder has the last word.
  }
  return decodedByOpenssl(spki);
}

export function decodedByOpenssl(spki: Uint8Array): KeyObject | undefined {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

/** The JWK for the usual shapes, undefined for anything else (never a guess). */
function jwkOf(spki: Uint8Array): JsonWebKey | undefined {
  const [algorithm, key, ...rest] = childrenOf(readSingle(spki, TAG.sequence));
  if (algorithm?.tag !== TAG.sequence || key === undefined || rest.length > 0) return undefined;
  const [oid, parameters, ...more] = childrenOf(algorithm);
  if (oid?.tag !== TAG.objectIdentifier || parameters === undefined || more.length > 0) return undefined;
  const kind = hex(oid.content);
  const octets = bitStringOctets(key);
  if (kind === RSA_ENCRYPTION && hex(parameters.bytes) === DER_NULL) return rsaJwk(octets);
  if (kind === EC_PUBLIC_KEY && parameters.tag === TAG.objectIdentifier) return ecJwk(octets, CURVES[hex(parameters.content)]);
  return undefined;
}

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1). */
function rsaJwk(octets: Uint8Array): JsonWebKey | undefined {
  const [modulus, exponent, ...rest] = childrenOf(readSingle(octets, TAG.sequence));
  if (modulus === undefined || exponent === undefined || rest.length > 0) return undefined;
  const n = positiveInteger(modulus);
  const e = positiveInteger(exponent);
  if (n === undefined || e === undefined) return undefined;
  return { kty: 'RSA', n: base64url(n), e: base64url(e) };
}

/** A minimal, positive DER INTEGER's magnitude (without the sign pad), or undefined. */
function positiveInteger(tlv: Tlv): Uint8Array | undefined {
  const [first, second] = tlv.content;
  if (tlv.tag !== TAG.integer || first === undefined || first & 0x80) return undefined;
  if (first === 0) return second !== undefined && second & 0x80 ? tlv.content.subarray(1) : undefined;
  return tlv.content;
}

/** An uncompressed point 04 || X || Y of the curve's size. */
function ecJwk(point: Uint8Array, curve: { readonly crv: string; readonly size: number } | undefined): JsonWebKey | undefined {
  if (curve === undefined || point.length !== 1 + 2 * curve.size || point[0] !== 0x04) return undefined;
  return { kty: 'EC', crv: curve.crv, x: base64url(point.subarray(1, 1 + curve.size)), y: base64url(point.subarray(1 + curve.size)) };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
