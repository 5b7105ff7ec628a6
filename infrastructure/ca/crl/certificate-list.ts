/**
 * Signed X.509 v2 CRLs (RFC 5280 §5) — full, partitioned (Issuing Distribution Point) and delta —
 * in the two steps certificates take: `prepareCrl` builds the TBSCertList, pure, so that its hash
 * can be recorded before anything is signed; `signCrl` signs exactly those bytes through the Signer.
 * The output is deterministic: the same request gives the same TBSCertList byte for byte (and, with
 * RSA PKCS#1 v1.5, the same CRL), so an auditor can rebuild any CRL from the ledger.
 */
import { hash } from 'node:crypto';
import type { IssuingCa } from '../../../domain/ports/certificate-authority.js';
import type { Signer } from '../../../domain/ports/signer.js';
import { checkedSignature, signatureAlgorithmFor } from '../certificate-signing.js';
import { MAX_HEADER_BYTES, TAG, encodeBitString, encodeHeader, encodeTlv, readSingle, readTlv } from '../der.js';
import { readIssuingRoot } from '../issuing-root.js';
import { authorityKeyIdentifier, crlNumber, deltaCrlIndicator, freshestCrl, issuingDistributionPoint } from './crl-extensions.js';
import { epochSeconds, timeLength, writeTime } from './crl-time.js';
import { planRevokedCertificates, type CrlEntry } from './revoked-certificates.js';

export type { CrlEntry, CrlReason } from './revoked-certificates.js';

export interface CrlRequest {
  readonly ca: IssuingCa;
  /** Non-negative, at most 20 octets; the caller keeps it strictly increasing across full and delta CRLs alike. */
  readonly crlNumber: bigint;
  /** ISO instants, whole seconds; nextUpdate after thisUpdate. UTCTime through 2049, GeneralizedTime from 2050. */
  readonly thisUpdate: string;
  readonly nextUpdate: string;
  /** In any order: the CRL lists them in ascending serial-number order. */
  readonly entries: readonly CrlEntry[];
  /** A partition's URL: a critical IDP naming it, with onlyContainsUserCerts (see crl-extensions.ts). */
  readonly issuingDistributionPoint?: string;
  /** The base CRL's number, below crlNumber: makes this a delta CRL (critical Delta CRL Indicator). */
  readonly deltaOf?: bigint;
  /** On a complete CRL, the URL its delta CRLs are published at (Freshest CRL); without it relying parties never look for deltas. */
  readonly freshestCrl?: string;
}

/** A TBSCertList built and not yet signed: record `tbsSha256` before asking for the signature. */
export interface PreparedCrl {
  readonly ca: IssuingCa;
  /** The TBSCertList DER. */
  readonly tbs: Uint8Array;
  /** Hex SHA-256 of `tbs`. */
  readonly tbsSha256: string;
  readonly entryCount: number;
}

export interface BuiltCrl {
  /** The CertificateList DER. */
  readonly der: Uint8Array;
  /** Hex SHA-256 of the TBSCertList inside `der`. */
  readonly tbsSha256: string;
  /** Hex SHA-256 of `der`. */
  readonly sha256: string;
  readonly entryCount: number;
}

/** Version ::= INTEGER, v2(1): CRLs with extensions are v2, and the field is a bare INTEGER here (no [0] as in certificates). */
const VERSION_2 = encodeTlv(TAG.integer, Uint8Array.of(1));

/**
 * The TBSCertList is written inside a buffer with room around it for the CertificateList's header
 * (at most 6 bytes) and trailer (signatureAlgorithm and the signature's BIT STRING), so that signing
 * a CRL of tens of megabytes writes a few hundred bytes instead of copying it: a fresh 51 MB buffer
 * cost ~130 ms of page faults here, more than hashing and signing it.
 */
const HEADER_ROOM = MAX_HEADER_BYTES;
const TRAILER_ROOM = 1024;
/** Buffers a CRL was already signed in: signing the same TBSCertList again copies, so the first CRL's bytes stay as they were. */
const signedInPlace = new WeakSet<ArrayBufferLike>();

/** Throws, saying what is wrong, for a request that breaks RFC 5280 or the contract above. */
export function prepareCrl(request: CrlRequest): PreparedCrl {
  const thisUpdate = epochSeconds(request.thisUpdate, 'thisUpdate');
  const nextUpdate = epochSeconds(request.nextUpdate, 'nextUpdate');
  if (nextUpdate <= thisUpdate) throw new Error(`nextUpdate (${request.nextUpdate}) must be after thisUpdate (${request.thisUpdate})`);
  if (request.deltaOf !== undefined && request.deltaOf >= request.crlNumber) {
    throw new Error(`a delta CRL's number (${request.crlNumber}) must be above its base CRL's (${request.deltaOf})`);
  }
  if (request.deltaOf !== undefined && request.freshestCrl !== undefined) throw new Error('freshestCrl belongs on a complete CRL, not on a delta (RFC 5280 §5.2.6)');
  const root = readIssuingRoot(request.ca);
  const head = [VERSION_2, signatureAlgorithmFor(root.subjectPublicKeyInfo), root.subject, encodeTime(thisUpdate), encodeTime(nextUpdate)];
  const extensions = encodeTlv(
    TAG.context0,
    encodeTlv(
      TAG.sequence,
      authorityKeyIdentifier(root.keyIdentifier),
      crlNumber(request.crlNumber),
      ...(request.issuingDistributionPoint === undefined ? [] : [issuingDistributionPoint(request.issuingDistributionPoint)]),
      ...(request.deltaOf === undefined ? [] : [deltaCrlIndicator(request.deltaOf)]),
      ...(request.freshestCrl === undefined ? [] : [freshestCrl(request.freshestCrl)]),
    ),
  );
  const headLength = head.reduce((sum, part) => sum + part.length, 0);
  // The entries are most of it and are written first, where they stay; the rest goes around them.
  // Not pooled, so `tbs.buffer` holds this TBSCertList alone, with the room for the signed CRL around it.
  const revoked = planRevokedCertificates(request.entries, {
    delta: request.deltaOf !== undefined,
    room: { before: HEADER_ROOM + MAX_HEADER_BYTES + headLength, after: extensions.length + TRAILER_ROOM },
  });
  const { buffer } = revoked;
  const contentLength = headLength + (revoked.end - revoked.start) + extensions.length;
  const header = encodeHeader(TAG.sequence, contentLength);
  const tbsStart = revoked.start - headLength - header.length;
  let offset = tbsStart;
  for (const part of [header, ...head]) {
    buffer.set(part, offset);
    offset += part.length;
  }
  // The head ends exactly where the entries start and the extensions follow them: no byte of the
  // TBSCertList is left as allocUnsafeSlow found it (planRevokedCertificates checks its own share).
  buffer.set(extensions, revoked.end);
  const tbs = buffer.subarray(tbsStart, revoked.end + extensions.length);
  return { ca: request.ca, tbs, tbsSha256: hash('sha256', tbs), entryCount: revoked.count };
}

/**
 * Signs exactly the prepared TBSCertList with the CA's key and wraps it as a CertificateList. The
 * signature is verified with the root's public key before the CRL is returned.
 */
export async function signCrl(prepared: PreparedCrl, signer: Signer): Promise<BuiltCrl> {
  const { ca, tbs } = prepared;
  const tbsSha256 = hash('sha256', tbs);
  // The hash is what the ledger recorded before signing: sign nothing else.
  if (tbsSha256 !== prepared.tbsSha256) throw new Error('the prepared TBSCertList does not match its recorded SHA-256');
  const root = readIssuingRoot(ca);
  const { signatureAlgorithm, issuer } = readTbsCertListHead(tbs);
  if (!Buffer.from(issuer).equals(root.subject)) throw new Error('the prepared CRL names another issuer than this CA');
  const signature = await checkedSignature(tbs, ca.keyId, root.subjectPublicKeyInfo, signer, 'the CA');
  const der = certificateList(tbs, signatureAlgorithm, encodeBitString(signature));
  return { der, tbsSha256, sha256: hash('sha256', der), entryCount: prepared.entryCount };
}

/** CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }, around the TBSCertList where it lies when there is room. */
function certificateList(tbs: Uint8Array, signatureAlgorithm: Uint8Array, signatureValue: Uint8Array): Uint8Array {
  const contentLength = tbs.length + signatureAlgorithm.length + signatureValue.length;
  const header = encodeHeader(TAG.sequence, contentLength);
  const start = tbs.byteOffset - header.length;
  const end = tbs.byteOffset + contentLength;
  if (start < 0 || end > tbs.buffer.byteLength || signedInPlace.has(tbs.buffer)) return encodeTlv(TAG.sequence, tbs, signatureAlgorithm, signatureValue);
  signedInPlace.add(tbs.buffer);
  const whole = new Uint8Array(tbs.buffer);
  whole.set(header, start);
  whole.set(signatureAlgorithm, tbs.byteOffset + tbs.length);
  whole.set(signatureValue, tbs.byteOffset + tbs.length + signatureAlgorithm.length);
  return whole.subarray(start, end);
}

function encodeTime(seconds: number): Uint8Array {
  const time = new Uint8Array(timeLength(seconds));
  writeTime(time, 0, seconds);
  return time;
}

/**
 * The signature AlgorithmIdentifier and issuer Name after the version, read without walking the
 * entries. The outer signatureAlgorithm must equal the inner one (RFC 5280 §5.1.1.2): its bytes are copied.
 */
function readTbsCertListHead(tbs: Uint8Array): { signatureAlgorithm: Uint8Array; issuer: Uint8Array } {
  const { content } = readSingle(tbs, TAG.sequence);
  const version = readTlv(content, 0);
  if (version.tag !== TAG.integer) throw new Error('the TBSCertList has no version: it is not one prepareCrl built');
  const signatureAlgorithm = readTlv(content, version.bytes.length);
  const issuer = readTlv(content, version.bytes.length + signatureAlgorithm.bytes.length);
  return { signatureAlgorithm: signatureAlgorithm.bytes, issuer: issuer.bytes };
}
