/**
 * OCSPRequest (RFC 6960 §4.1.1) from untrusted bytes. Whatever is not a well-formed request about
 * at least one certificate reads as `{ ok: false }` (the route answers malformedRequest), never as
 * an exception, and the work is bounded by the input's size.
 *
 *   OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT Signature OPTIONAL }
 *   TBSRequest  ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, requestorName [1] EXPLICIT GeneralName OPTIONAL,
 *                              requestList SEQUENCE OF Request, requestExtensions [2] EXPLICIT Extensions OPTIONAL }
 *   Request     ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
 */
import { TAG, childrenOf, readSingle, type Tlv } from '../der.js';
import { readCertId, type CertId } from './cert-id.js';
import { NONCE_OID, readNonce } from './nonce.js';

/**
 * openssl's request with a nonce is about 110 bytes; a signed one carrying its signer's certificate
 * about 2 KiB. Anything larger is refused unread (the route should cap its body at this too).
 */
export const MAX_OCSP_REQUEST_BYTES = 4096;

/** Base64 grows 4/3 and percent-encoding at most triples each character. */
const MAX_GET_PATH_LENGTH = Math.ceil(MAX_OCSP_REQUEST_BYTES / 3) * 4 * 3;

export type ParsedOcspRequest = { readonly ok: true; readonly requests: readonly CertId[]; readonly nonce?: Uint8Array } | { readonly ok: false };

const MALFORMED: ParsedOcspRequest = { ok: false };
const NONCE_HEX = NONCE_OID.toString('hex');

export function parseOcspRequest(der: Uint8Array): ParsedOcspRequest {
  if (der.length > MAX_OCSP_REQUEST_BYTES) return MALFORMED;
  try {
    return readOcspRequest(der);
  } catch {
    return MALFORMED;
  }
}

/**
 * A GET request's last path segment (RFC 5019 §5): the request's DER in base64, URL-encoded or
 * already decoded by the router. Base64 has no '%', so decoding whenever one appears is unambiguous.
 */
export function parseOcspGetRequest(pathSegment: string): ParsedOcspRequest {
  if (pathSegment.length > MAX_GET_PATH_LENGTH) return MALFORMED;
  let base64 = pathSegment;
  if (pathSegment.includes('%')) {
    try {
      base64 = decodeURIComponent(pathSegment);
    } catch {
      return MALFORMED;
    }
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return MALFORMED;
  return parseOcspRequest(Buffer.from(base64, 'base64'));
}

function readOcspRequest(der: Uint8Array): ParsedOcspRequest {
  // The signature, if any, is not checked: status is public, so who asks does not change the answer.
  const [tbsRequest, signature, ...rest] = childrenOf(readSingle(der, TAG.sequence));
  if (tbsRequest?.tag !== TAG.sequence || (signature !== undefined && signature.tag !== TAG.context0) || rest.length > 0) return MALFORMED;

  const fields = childrenOf(tbsRequest);
  let at = 0;
  const version = fields[at]?.tag === TAG.context0 ? fields[at++] : undefined;
  if (version !== undefined && !isVersion1(version)) return MALFORMED;
  if (fields[at]?.tag === TAG.context1) at++; // requestorName, for the same reason as the signature
  const requestList = fields[at++];
  const requestExtensions = fields[at]?.tag === TAG.context2 ? fields[at++] : undefined;
  if (requestList?.tag !== TAG.sequence || at !== fields.length) return MALFORMED;

  const requests = childrenOf(requestList).map(readRequest);
  if (requests.length === 0) return MALFORMED;
  const nonce = requestExtensions === undefined ? undefined : readExtensions(requestExtensions).get(NONCE_HEX);
  return nonce === undefined ? { ok: true, requests } : { ok: true, requests, nonce: readNonce(nonce) };
}

function isVersion1(version: Tlv): boolean {
  const [integer, ...rest] = childrenOf(version);
  return integer?.tag === TAG.integer && integer.content.length === 1 && integer.content[0] === 0 && rest.length === 0;
}

function readRequest(request: Tlv): CertId {
  if (request.tag !== TAG.sequence) throw new Error('not a Request');
  const [certId, extensions, ...rest] = childrenOf(request);
  if (certId === undefined || (extensions !== undefined && extensions.tag !== TAG.context0) || rest.length > 0) throw new Error('not a Request');
  if (extensions !== undefined) readExtensions(extensions); // none is known, but a critical one must still be refused
  return readCertId(certId);
}

/**
 * `[n] EXPLICIT Extensions`, as extnValue by OID DER hex. An extension named twice is malformed
 * (RFC 5280 §4.2), and so is a critical one this responder does not know: it could not honour it.
 */
function readExtensions(explicit: Tlv): Map<string, Uint8Array> {
  const [list, ...rest] = childrenOf(explicit);
  if (list?.tag !== TAG.sequence || rest.length > 0) throw new Error('not Extensions');
  const values = new Map<string, Uint8Array>();
  for (const extension of childrenOf(list)) {
    if (extension.tag !== TAG.sequence) throw new Error('not an Extension');
    const [oid, ...tail] = childrenOf(extension);
    const critical = tail[0]?.tag === TAG.boolean ? tail.shift() : undefined;
    const [value, ...more] = tail;
    if (oid?.tag !== TAG.objectIdentifier || value?.tag !== TAG.octetString || more.length > 0 || (critical !== undefined && critical.content.length !== 1)) {
      throw new Error('not an Extension');
    }
    const key = Buffer.from(oid.bytes).toString('hex');
    if (values.has(key)) throw new Error('an extension appears twice');
    if (critical?.content[0] && key !== NONCE_HEX) throw new Error('an unknown critical extension');
    values.set(key, value.content);
  }
  return values;
}
