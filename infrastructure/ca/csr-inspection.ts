/**
 * What a resident's PKCS#10 request says about its key, without judging it (the decider does).
 * Never throws: input that is not a request yields a short fixed reason that repeats nothing of the
 * input, since a CSR channel is untrusted and reasons end up in events and logs.
 */
import './x509-bootstrap.js';
import { verify, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { Pkcs10CertificateRequest } from '@peculiar/x509';
import type { CsrInspection, PublicKeyFacts } from '../../domain/ports/certificate-authority.js';
import { TAG, childrenOf, readSingle } from './der.js';
import { keyIdOf } from './key-id.js';
import { EC_PUBLIC_KEY, RSA_ENCRYPTION, publicKeyObject } from './public-key-import.js';

/** Far above any real request (an RSA-4096 CSR is under 2 KiB): bounds the parser's work. */
const MAX_PEM_LENGTH = 64 * 1024;

/** The armour, from its BEGIN line; RFC 7468 §5.2 lets explanatory text come before it (see armourOf). */
const PEM = /^-----BEGIN (NEW )?CERTIFICATE REQUEST-----\r?\n([^-]*)-----END \1CERTIFICATE REQUEST-----\s*$/;
const BEGIN = '-----BEGIN ';

/** OpenSSL's curve names, as node reports them, to the names the decider speaks. */
const CURVE_NAMES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

export async function inspectCsr(pem: string): Promise<CsrInspection> {
  if (pem.length > MAX_PEM_LENGTH) return rejected('the request is too large');
  const body = PEM.exec(armourOf(pem))?.[2]?.replace(/\s+/g, '');
  if (body === undefined) return rejected('not a PEM certificate request');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) return rejected('the PEM body is not valid base64');
  const der = Buffer.from(body, 'base64');
  let spki: Uint8Array;
  try {
    // Whole and alone: a truncated request or one with bytes after it is not what the resident signed.
    spki = requestedKey(readSingle(der, TAG.sequence));
  } catch {
    return rejected('not a DER PKCS#10 certification request');
  }
  // Imported once (public-key-import.ts) for both the key's description and the self-signature.
  const key = publicKeyObject(spki);
  const publicKey = describeKey(spki, key);
  if (publicKey === undefined) return rejected('the public key cannot be decoded');
  return {
    ok: true,
    facts: {
      publicKey,
      subjectPublicKeyInfo: Buffer.from(spki).toString('base64'),
      publicKeySha256: keyIdOf(spki),
      proofOfPossession: selfSignatureVerifiesFast(der, key) ?? (await selfSignatureVerifies(der)),
    },
  };
}

/**
 * The PEM from its last BEGIN line on: whatever comes before it on earlier lines is explanatory text
 * (RFC 7468 §5.2), which a parser skips. Found by position, not by a pattern, so no text costs more
 * than one pass.
 */
function armourOf(pem: string): string {
  const begin = pem.lastIndexOf(BEGIN);
  if (begin <= 0) return pem.trimStart();
  return pem[begin - 1] === '\n' ? pem.slice(begin) : pem;
}

/**
 * The SubjectPublicKeyInfo of a CertificationRequest (RFC 2986): SEQUENCE { info SEQUENCE { version
 * INTEGER 0, subject Name, subjectPKInfo, attributes [0] }, signatureAlgorithm, signature BIT STRING }.
 * Read with the exact-bytes DER reader: the key's bytes are what the ledger records and hashes.
 */
function requestedKey(request: ReturnType<typeof readSingle>): Uint8Array {
  const [info, algorithm, signature, ...rest] = childrenOf(request);
  if (info?.tag !== TAG.sequence || algorithm?.tag !== TAG.sequence || signature?.tag !== TAG.bitString || rest.length > 0) {
    throw new Error('not a CertificationRequest');
  }
  const [version, subject, spki, attributes] = childrenOf(info);
  const versionZero = version?.tag === TAG.integer && version.content.length === 1 && version.content[0] === 0;
  if (!versionZero || subject?.tag !== TAG.sequence || spki?.tag !== TAG.sequence || attributes?.tag !== TAG.context0) {
    throw new Error('not a CertificationRequestInfo');
  }
  return spki.bytes;
}

/**
 * Signature algorithms checked directly with node:crypto (synchronously, no WebCrypto round trip
 * through the thread pool): the hash to use, keyed by the hex of the algorithm OID's DER content.
 * Anything else (RSASSA-PSS with its parameters, SHA-1) goes through @peculiar/x509's check.
 */
const FAST_ALGORITHMS: Readonly<Record<string, string | null>> = {
  '2a864886f70d01010b': 'sha256', // sha256WithRSAEncryption
  '2a864886f70d01010c': 'sha384', // sha384WithRSAEncryption
  '2a864886f70d01010d': 'sha512', // sha512WithRSAEncryption
  '2a8648ce3d040302': 'sha256', // ecdsa-with-SHA256
  '2a8648ce3d040303': 'sha384', // ecdsa-with-SHA384
  '2a8648ce3d040304': 'sha512', // ecdsa-with-SHA512
  '2b6570': null, // Ed25519 (no separate hash)
  // DSA: verified, so that a DSA request is refused for its algorithm by the decider rather than
  // passing for one whose signature does not verify.
  '2a8648ce380403': 'sha1', // dsa-with-SHA1
  '608648016503040301': 'sha224', // dsa-with-SHA224
  '608648016503040302': 'sha256', // dsa-with-SHA256
  '608648016503040303': 'sha384', // dsa-with-SHA384
  '608648016503040304': 'sha512', // dsa-with-SHA512
};

/** The self-signature's verdict, or undefined when this path does not know the algorithm. */
function selfSignatureVerifiesFast(der: Uint8Array, key: KeyObject | undefined): boolean | undefined {
  try {
    const [info, algorithm, signature] = childrenOf(readSingle(der, TAG.sequence));
    const oid = algorithm === undefined ? undefined : childrenOf(algorithm)[0];
    if (info === undefined || oid === undefined || signature === undefined) return undefined;
    const hash = FAST_ALGORITHMS[Buffer.from(oid.content).toString('hex')];
    if (hash === undefined) return undefined;
    if (signature.content[0] !== 0 || key === undefined) return false;
    return verify(hash, info.bytes, { key, dsaEncoding: 'der' }, signature.content.subarray(1));
  } catch {
    return false;
  }
}

function rejected(reason: string): CsrInspection {
  return { ok: false, reason };
}

function describeKey(spki: Uint8Array, key: KeyObject | undefined): PublicKeyFacts | undefined {
  try {
    const [algorithmIdentifier] = childrenOf(readSingle(spki, TAG.sequence));
    const oid = algorithmIdentifier === undefined ? undefined : childrenOf(algorithmIdentifier)[0];
    if (oid?.tag !== TAG.objectIdentifier) return undefined;
    const algorithm = Buffer.from(oid.content).toString('hex');
    // Any other algorithm is named in dotted form for the decider's refusal.
    if (algorithm !== RSA_ENCRYPTION && algorithm !== EC_PUBLIC_KEY) return { kind: 'other', algorithm: AsnConvert.parse(spki, SubjectPublicKeyInfo).algorithm.algorithm };
    if (key === undefined) return undefined;
    const { modulusLength, publicExponent, namedCurve } = key.asymmetricKeyDetails ?? {};
    if (modulusLength !== undefined && publicExponent !== undefined) return { kind: 'rsa', modulusBits: modulusLength, publicExponent: Number(publicExponent) };
    if (namedCurve !== undefined) return { kind: 'ec', namedCurve: CURVE_NAMES[namedCurve] ?? namedCurve };
    return undefined;
  } catch {
    return undefined;
  }
}

/** A signature that cannot even be checked (unknown or mismatched algorithm) is no proof of possession. */
async function selfSignatureVerifies(der: Uint8Array): Promise<boolean> {
  try {
    return await new Pkcs10CertificateRequest(der).verify();
  } catch {
    return false;
  }
}
