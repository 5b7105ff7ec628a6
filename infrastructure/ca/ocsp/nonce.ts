/**
 * The nonce extension (RFC 6960 §4.4.1 as RFC 9654 restates it): the client's nonce, echoed in the
 * response, binds the answer to the question and so defeats replay. Its extnValue holds the DER of
 * `Nonce ::= OCTET STRING (SIZE(1..128))`, which is what openssl sends and compares.
 */
import { TAG, encodeTlv, readSingle } from '../der.js';

/** id-pkix-ocsp-nonce, 1.3.6.1.5.5.7.48.1.2, as OBJECT IDENTIFIER DER. */
export const NONCE_OID = Buffer.from('06092b0601050507300102', 'hex');

const MAX_NONCE_OCTETS = 128;

/** The nonce inside a request's extnValue; throws on what RFC 9654 has a responder refuse with malformedRequest. */
export function readNonce(extnValue: Uint8Array): Uint8Array {
  const nonce = readSingle(extnValue, TAG.octetString).content;
  checkLength(nonce);
  // Only DER reads back as the same bytes; the echo must be byte-identical for the client to accept it.
  if (!Buffer.from(encodeTlv(TAG.octetString, nonce)).equals(extnValue)) throw new Error('the nonce is not DER');
  return new Uint8Array(nonce); // a copy: whoever keeps the nonce must not keep the request buffer alive, or see it change
}

/** The response's nonce Extension (not critical), carrying `nonce` as the request did. */
export function nonceExtension(nonce: Uint8Array): Uint8Array {
  checkLength(nonce);
  return encodeTlv(TAG.sequence, NONCE_OID, encodeTlv(TAG.octetString, encodeTlv(TAG.octetString, nonce)));
}

function checkLength(nonce: Uint8Array): void {
  if (nonce.length < 1 || nonce.length > MAX_NONCE_OCTETS) throw new Error(`a nonce has 1 to ${MAX_NONCE_OCTETS} octets`);
}
