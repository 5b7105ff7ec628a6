/**
 * OCSPResponse (RFC 6960 §4.2.1) to the RFC 5019 profile: a BasicOCSPResponse signed by the CA's
 * delegated responder, which names itself byKey and carries its certificate so that clients can
 * check the delegation against the root alone.
 *
 *   OCSPResponse      ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT SEQUENCE { responseType OID, response OCTET STRING } OPTIONAL }
 *   BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm, signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate }
 *   ResponseData      ::= SEQUENCE { version [0] DEFAULT v1, responderID, producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse, responseExtensions [1] EXPLICIT Extensions OPTIONAL }
 *   SingleResponse    ::= SEQUENCE { certID, certStatus, thisUpdate GeneralizedTime, nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL }
 */
import '../x509-bootstrap.js';
import { CRLReasons } from '@peculiar/asn1-x509';
import type { Signer } from '../../../domain/ports/signer.js';
import { checkedSignature, signatureAlgorithmFor } from '../certificate-signing.js';
import { TAG, childrenOf, encodeBitString, encodeTlv, readSingle } from '../der.js';
import { keyIdentifierOf } from '../extensions.js';
import { keyIdOf } from '../key-id.js';
import { instant, readTbsCertificate } from '../tbs-certificate.js';
import type { CertId } from './cert-id.js';
import { nonceExtension } from './nonce.js';

/** RFC 5280 §5.3.1 reasons but removeFromCRL, which only a delta CRL can say. */
export type CrlReasonName = Exclude<keyof typeof CRLReasons, 'removeFromCRL'>;

/**
 * unknown is for serials this CA never issued. revocationTime is an ISO instant with whole seconds;
 * a certificate on hold is revoked with reason certificateHold (RFC 6960 §2.2).
 */
export type CertStatus =
  | { readonly kind: 'good' }
  | { readonly kind: 'revoked'; readonly revocationTime: string; readonly reason?: CrlReasonName }
  | { readonly kind: 'unknown' };

export interface SingleResponseInput {
  readonly certId: CertId;
  readonly status: CertStatus;
  /** ISO instants, whole seconds; nextUpdate, when given, not before thisUpdate. */
  readonly thisUpdate: string;
  readonly nextUpdate?: string;
}

export interface OcspResponder {
  /** base64 DER of the responder certificate the CA issued (see createResponderCertificate). */
  readonly certificate: string;
  /** The signer's id for the responder key. */
  readonly keyId: string;
}

export type OcspErrorStatus = 'malformedRequest' | 'internalError' | 'tryLater' | 'unauthorized';

const RESPONSE_STATUS: Readonly<Record<OcspErrorStatus | 'successful', number>> = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  unauthorized: 6,
};

/** id-pkix-ocsp-basic, 1.3.6.1.5.5.7.48.1.1, as OBJECT IDENTIFIER DER. */
const ID_PKIX_OCSP_BASIC = Buffer.from('06092b0601050507300101', 'hex');
/** CertStatus: good [0] IMPLICIT NULL and unknown [2] IMPLICIT NULL; revoked is [1] IMPLICIT RevokedInfo (constructed). */
const GOOD = Uint8Array.of(0x80, 0x00);
const UNKNOWN = Uint8Array.of(0x82, 0x00);

/**
 * A successful OCSPResponse answering `responses`, signed through `signer` with the responder's key
 * and checked against its certificate's public key before release. With a nonce it is bound to one
 * request; without, it can be signed ahead and served to everyone until nextUpdate. The same inputs
 * give the same bytes with an RSA responder (PKCS#1 v1.5 signatures are deterministic).
 */
export async function signOcspResponse(
  params: { readonly responder: OcspResponder; readonly producedAt: string; readonly responses: readonly SingleResponseInput[]; readonly nonce?: Uint8Array },
  signer: Signer,
): Promise<Uint8Array> {
  if (params.responses.length === 0) throw new Error('an OCSP response answers at least one request');
  const certificate = Buffer.from(params.responder.certificate, 'base64');
  const publicKey = responderPublicKey(certificate, params.responder.keyId);
  const tbsResponseData = encodeTlv(
    TAG.sequence,
    encodeTlv(TAG.context2, encodeTlv(TAG.octetString, keyIdentifierOf(publicKey))), // byKey: SHA-1 of the subjectPublicKey value
    generalizedTime(params.producedAt, 'producedAt'),
    encodeTlv(TAG.sequence, ...params.responses.map(singleResponse)),
    ...(params.nonce === undefined ? [] : [encodeTlv(TAG.context1, encodeTlv(TAG.sequence, nonceExtension(params.nonce)))]),
  );
  const signature = await checkedSignature(tbsResponseData, params.responder.keyId, publicKey, signer, 'the OCSP responder');
  const basic = encodeTlv(
    TAG.sequence,
    tbsResponseData,
    signatureAlgorithmFor(publicKey),
    encodeBitString(signature),
    encodeTlv(TAG.context0, encodeTlv(TAG.sequence, certificate)),
  );
  return encodeTlv(TAG.sequence, responseStatus('successful'), encodeTlv(TAG.context0, encodeTlv(TAG.sequence, ID_PKIX_OCSP_BASIC, encodeTlv(TAG.octetString, basic))));
}

/** An unsigned OCSPResponse with only a status: what RFC 6960 has a responder say when it cannot answer. */
export function ocspErrorResponse(status: OcspErrorStatus): Uint8Array {
  return encodeTlv(TAG.sequence, responseStatus(status));
}

function responseStatus(status: OcspErrorStatus | 'successful'): Uint8Array {
  return encodeTlv(TAG.enumerated, Uint8Array.of(RESPONSE_STATUS[status]));
}

/** The responder certificate's public key, which must be the key `keyId` names: else the signature could not verify for clients. */
function responderPublicKey(certificate: Uint8Array, keyId: string): Uint8Array {
  const [tbs] = childrenOf(readSingle(certificate, TAG.sequence));
  if (tbs === undefined) throw new Error('the responder certificate is empty');
  const { subjectPublicKeyInfo } = readTbsCertificate(tbs.bytes);
  if (keyIdOf(subjectPublicKeyInfo) !== keyId) throw new Error(`key ${keyId} is not the key of the responder certificate`);
  return subjectPublicKeyInfo;
}

function singleResponse(input: SingleResponseInput): Uint8Array {
  const thisUpdate = generalizedTime(input.thisUpdate, 'thisUpdate');
  if (input.nextUpdate !== undefined && instant(input.nextUpdate, 'nextUpdate') < instant(input.thisUpdate, 'thisUpdate')) {
    throw new Error('nextUpdate is before thisUpdate');
  }
  const nextUpdate = input.nextUpdate === undefined ? [] : [encodeTlv(TAG.context0, generalizedTime(input.nextUpdate, 'nextUpdate'))];
  return encodeTlv(TAG.sequence, input.certId.der, certStatus(input.status), thisUpdate, ...nextUpdate);
}

function certStatus(status: CertStatus): Uint8Array {
  switch (status.kind) {
    case 'good':
      return GOOD;
    case 'unknown':
      return UNKNOWN;
    case 'revoked': {
      // unspecified is said by leaving the reason out, as the CRL does (RFC 5280 §5.3.1), so both channels read alike.
      const reason = status.reason === undefined || status.reason === 'unspecified' ? [] : [encodeTlv(TAG.context0, encodeTlv(TAG.enumerated, Uint8Array.of(CRLReasons[status.reason])))];
      return encodeTlv(TAG.context1, generalizedTime(status.revocationTime, 'revocationTime'), ...reason);
    }
  }
}

/** OCSP writes every time as GeneralizedTime YYYYMMDDHHMMSSZ (RFC 6960 §4.2.2.1), whatever the year. */
function generalizedTime(iso: string, field: string): Uint8Array {
  const text = instant(iso, field)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:T]/g, '');
  return encodeTlv(TAG.generalizedTime, Buffer.from(text, 'ascii'));
}
