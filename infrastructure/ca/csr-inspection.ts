/**
 * What a resident's PKCS#10 request says about its key, without judging it (the decider does).
 * Never throws: input that is not a request yields a short fixed reason that repeats nothing of the
 * input, since a CSR channel is untrusted and reasons end up in events and logs.
 */
import './x509-bootstrap.js';
import { createPublicKey } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { Pkcs10CertificateRequest } from '@peculiar/x509';
import type { CsrInspection, PublicKeyFacts } from '../../domain/ports/certificate-authority.js';
import { TAG, readSingle } from './der.js';
import { keyIdOf } from './key-id.js';

/** Far above any real request (an RSA-4096 CSR is under 2 KiB): bounds the parser's work. */
const MAX_PEM_LENGTH = 64 * 1024;

const PEM = /^\s*-----BEGIN (NEW )?CERTIFICATE REQUEST-----\r?\n([^-]*)-----END \1CERTIFICATE REQUEST-----\s*$/;

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';

/** OpenSSL's curve names, as node reports them, to the names the decider speaks. */
const CURVE_NAMES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

export async function inspectCsr(pem: string): Promise<CsrInspection> {
  if (pem.length > MAX_PEM_LENGTH) return rejected('the request is too large');
  const body = PEM.exec(pem)?.[2]?.replace(/\s+/g, '');
  if (body === undefined) return rejected('not a PEM certificate request');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) return rejected('the PEM body is not valid base64');
  const der = Buffer.from(body, 'base64');
  let csr: Pkcs10CertificateRequest;
  let spki: Uint8Array;
  try {
    // Whole and alone: a truncated request or one with bytes after it is not what the resident signed.
    readSingle(der, TAG.sequence);
    csr = new Pkcs10CertificateRequest(der);
    spki = new Uint8Array(csr.publicKey.rawData);
  } catch {
    return rejected('not a DER PKCS#10 certification request');
  }
  const publicKey = describeKey(spki);
  if (publicKey === undefined) return rejected('the public key cannot be decoded');
  return {
    ok: true,
    facts: {
      publicKey,
      subjectPublicKeyInfo: Buffer.from(spki).toString('base64'),
      publicKeySha256: keyIdOf(spki),
      proofOfPossession: await selfSignatureVerifies(csr),
    },
  };
}

function rejected(reason: string): CsrInspection {
  return { ok: false, reason };
}

function describeKey(spki: Uint8Array): PublicKeyFacts | undefined {
  try {
    const algorithm = AsnConvert.parse(spki, SubjectPublicKeyInfo).algorithm.algorithm;
    if (algorithm !== RSA_ENCRYPTION && algorithm !== EC_PUBLIC_KEY) return { kind: 'other', algorithm };
    // node (OpenSSL) decodes the key, so a modulus or curve point that does not parse is caught here.
    const { modulusLength, publicExponent, namedCurve } = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).asymmetricKeyDetails ?? {};
    if (modulusLength !== undefined && publicExponent !== undefined) return { kind: 'rsa', modulusBits: modulusLength, publicExponent: Number(publicExponent) };
    if (namedCurve !== undefined) return { kind: 'ec', namedCurve: CURVE_NAMES[namedCurve] ?? namedCurve };
    return undefined;
  } catch {
    return undefined;
  }
}

/** A signature that cannot even be checked (unknown or mismatched algorithm) is no proof of possession. */
async function selfSignatureVerifies(csr: Pkcs10CertificateRequest): Promise<boolean> {
  try {
    return await csr.verify();
  } catch {
    return false;
  }
}
