/** Requests as openssl sends them, requests made by hand to break one rule each, and random bytes. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuingCa } from '../../../../domain/ports/certificate-authority.js';
import { TAG, encodeTlv } from '../../../../infrastructure/ca/der.js';
import { FileKeyStore } from '../../../../infrastructure/ca/file-key-store.js';
import { certIdFor, issuedBy } from '../../../../infrastructure/ca/ocsp/cert-id.js';
import { MAX_OCSP_REQUEST_BYTES, parseOcspGetRequest, parseOcspRequest } from '../../../../infrastructure/ca/ocsp/ocsp-request.js';
import { X509CertificateAuthority } from '../../../../infrastructure/ca/x509-certificate-authority.js';
import { createTestCa, residentKey, signingRequest } from '../fixtures.js';
import { opensslOk, toPem, workDir } from '../../../support/openssl.js';

const hex = (text: string) => Buffer.from(text, 'hex');
const SHA1 = hex('300906052b0e03021a0500');
const NONCE_OID = hex('06092b0601050507300102');
const CRITICAL = hex('0101ff');

/** A CertID from its parts, each given as DER or raw value. */
function certId(parts: { algorithm?: Uint8Array; nameHash: Uint8Array; keyHash: Uint8Array; serial: Uint8Array }): Uint8Array {
  return encodeTlv(TAG.sequence, parts.algorithm ?? SHA1, encodeTlv(TAG.octetString, parts.nameHash), encodeTlv(TAG.octetString, parts.keyHash), encodeTlv(TAG.integer, parts.serial));
}

function extension(oid: Uint8Array, value: Uint8Array, critical = false): Uint8Array {
  return encodeTlv(TAG.sequence, oid, ...(critical ? [CRITICAL] : []), encodeTlv(TAG.octetString, value));
}

/** An OCSPRequest around the given CertIDs, with whatever optional fields are asked for. */
function request(certIds: readonly Uint8Array[], options: { extensions?: Uint8Array[]; version?: number; requestorName?: boolean; signature?: boolean } = {}): Uint8Array {
  const tbs = encodeTlv(
    TAG.sequence,
    ...(options.version === undefined ? [] : [encodeTlv(TAG.context0, encodeTlv(TAG.integer, Uint8Array.of(options.version)))]),
    ...(options.requestorName ? [encodeTlv(TAG.context1, encodeTlv(0x82, Buffer.from('rp.example')))] : []),
    encodeTlv(TAG.sequence, ...certIds.map((id) => encodeTlv(TAG.sequence, id))),
    ...(options.extensions === undefined ? [] : [encodeTlv(TAG.context2, encodeTlv(TAG.sequence, ...options.extensions))]),
  );
  const signature = encodeTlv(TAG.context0, encodeTlv(TAG.sequence, hex('300d06092a864886f70d01010b0500'), encodeTlv(TAG.bitString, hex('00ff'))));
  return encodeTlv(TAG.sequence, tbs, ...(options.signature ? [signature] : []));
}

describe('OCSP requests', () => {
  const dir = workDir();
  const store = new FileKeyStore(`${dir.path}/keys`);
  let ca: IssuingCa;
  /** Same name as `ca`, another key: only the key hash tells them apart. */
  let sameNameCa: IssuingCa;
  let rootFile: string;
  let leafFiles: string[];
  let serials: string[];

  beforeAll(async () => {
    const [first, second, resident] = await Promise.all([createTestCa(store, 'signing', 'ECDSA-P256'), createTestCa(store, 'signing', 'ECDSA-P256'), residentKey('ECDSA-P256')]);
    [ca, sameNameCa] = [first, second];
    const authority = new X509CertificateAuthority(store);
    rootFile = dir.write('root.pem', toPem(ca.certificate));
    const leaves = await Promise.all([0, 1].map(async () => authority.sign(ca, await authority.prepare(ca, signingRequest(resident.spki)))));
    leafFiles = leaves.map((leaf, i) => dir.write(`leaf-${i}.pem`, toPem(leaf)));
    serials = leafFiles.map((file) => opensslOk(['x509', '-noout', '-serial', '-in', file]).trim().replace(/^serial=/, ''));
  });
  afterAll(() => dir.remove());

  /** What `openssl ocsp` would send (options first: a digest option must precede -cert). */
  const opensslRequest = (name: string, options: string[], leaves = [leafFiles[0]!]): Uint8Array => {
    const file = dir.write(name, '');
    opensslOk(['ocsp', ...options, '-issuer', rootFile, ...leaves.flatMap((leaf) => ['-cert', leaf]), '-reqout', file]);
    return readFileSync(file);
  };

  describe('from openssl', () => {
    it('reads a SHA-1 CertID with the serial as openssl prints it, the CertID bytes, and the nonce', () => {
      const der = opensslRequest('sha1.der', []);
      const parsed = parseOcspRequest(der);
      if (!parsed.ok) throw new Error('not parsed');
      const [only, ...others] = parsed.requests;
      expect(others).toEqual([]);
      expect(only?.hashAlgorithm).toBe('sha1');
      expect(only?.serialNumber).toBe(serials[0]);
      // openssl writes the CertID as certIdFor does: the pre-signed answer names it the same way.
      expect(Buffer.from(only!.der).equals(certIdFor(ca, serials[0]!, 'sha1').der)).toBe(true);
      const sent = /OCSP Nonce: ?\n\s*0410([0-9A-F]{32})/.exec(opensslOk(['ocsp', '-reqin', dir.write('sha1-again.der', der), '-req_text']))?.[1];
      expect(Buffer.from(parsed.nonce!).toString('hex').toUpperCase()).toBe(sent);
    });

    it('reads a SHA-256 CertID, and no nonce under -no_nonce', () => {
      const parsed = parseOcspRequest(opensslRequest('sha256.der', ['-sha256', '-no_nonce']));
      if (!parsed.ok) throw new Error('not parsed');
      expect(parsed.nonce).toBeUndefined();
      expect(parsed.requests.map((id) => [id.hashAlgorithm, id.serialNumber])).toEqual([['sha256', serials[0]]]);
      expect(Buffer.from(parsed.requests[0]!.der).equals(certIdFor(ca, serials[0]!, 'sha256').der)).toBe(true);
    });

    it('reads every certificate of a request for several', () => {
      const parsed = parseOcspRequest(opensslRequest('two.der', ['-no_nonce'], leafFiles));
      expect(parsed.ok && parsed.requests.map((id) => id.serialNumber)).toEqual(serials);
    });

    it.each(['sha1', 'sha256'] as const)('tells this CA (%s) from another with the same name but another key', (algorithm) => {
      const parsed = parseOcspRequest(opensslRequest(`issuer-${algorithm}.der`, [`-${algorithm}`, '-no_nonce']));
      if (!parsed.ok) throw new Error('not parsed');
      expect(issuedBy(parsed.requests[0]!, ca)).toBe(true);
      expect(issuedBy(parsed.requests[0]!, sameNameCa)).toBe(false);
    });

    it('reads the GET form, URL-encoded or already decoded, as the same request', () => {
      const der = opensslRequest('get.der', []);
      const base64 = Buffer.from(der).toString('base64');
      expect(parseOcspGetRequest(encodeURIComponent(base64))).toEqual(parseOcspRequest(der));
      expect(parseOcspGetRequest(base64)).toEqual(parseOcspRequest(der));
    });
  });

  describe('made by hand', () => {
    const valid = () => certIdFor(ca, serials[0]!, 'sha1');
    const parts = () => ({ nameHash: valid().issuerNameHash, keyHash: valid().issuerKeyHash, serial: hex(serials[0]!) });

    it.each([
      { accepted: 'an explicit version 1', build: () => request([valid().der], { version: 0 }) },
      { accepted: 'a requestorName and a signature (neither changes a public answer)', build: () => request([valid().der], { requestorName: true, signature: true }) },
      { accepted: 'an unknown extension that is not critical', build: () => request([valid().der], { extensions: [extension(hex('06032a0304'), hex('0500'))] }) },
      { accepted: 'a critical nonce of 128 octets', build: () => request([valid().der], { extensions: [extension(NONCE_OID, encodeTlv(TAG.octetString, Buffer.alloc(128, 7)), true)] }) },
      { accepted: 'hash parameters left out rather than NULL', build: () => request([certId({ ...parts(), algorithm: hex('300706052b0e03021a') })]) },
    ])('accepts $accepted', ({ build }) => {
      const parsed = parseOcspRequest(build());
      expect(parsed.ok && parsed.requests.map((id) => id.serialNumber)).toEqual([serials[0]]);
    });

    it.each([
      { refused: 'nothing at all', build: () => new Uint8Array() },
      { refused: 'a byte after the request', build: () => Buffer.concat([request([valid().der]), hex('00')]) },
      { refused: 'a request cut short', build: () => request([valid().der]).subarray(0, 40) },
      { refused: 'version 2', build: () => request([valid().der], { version: 1 }) },
      { refused: 'an empty requestList', build: () => request([]) },
      { refused: 'an MD5 CertID', build: () => request([certId({ ...parts(), algorithm: hex('300c06082a864886f70d02050500') })]) },
      { refused: 'hash parameters other than NULL', build: () => request([certId({ ...parts(), algorithm: hex('300b06052b0e03021a04020000') })]) },
      { refused: 'a SHA-1 hash of SHA-256 length', build: () => request([certId({ ...parts(), nameHash: Buffer.alloc(32) })]) },
      { refused: 'a negative serial', build: () => request([certId({ ...parts(), serial: hex('ff01') })]) },
      { refused: 'a zero serial', build: () => request([certId({ ...parts(), serial: hex('00') })]) },
      { refused: 'a serial with a needless leading 00', build: () => request([certId({ ...parts(), serial: hex('0001') })]) },
      { refused: 'an unknown critical extension', build: () => request([valid().der], { extensions: [extension(hex('06032a0304'), hex('0500'), true)] }) },
      { refused: 'the same extension twice', build: () => request([valid().der], { extensions: [extension(hex('06032a0304'), hex('0500')), extension(hex('06032a0304'), hex('0500'))] }) },
      { refused: 'an empty nonce', build: () => request([valid().der], { extensions: [extension(NONCE_OID, encodeTlv(TAG.octetString, new Uint8Array()))] }) },
      { refused: 'a nonce of 129 octets', build: () => request([valid().der], { extensions: [extension(NONCE_OID, encodeTlv(TAG.octetString, Buffer.alloc(129, 7)))] }) },
      { refused: 'a nonce not wrapped in an OCTET STRING', build: () => request([valid().der], { extensions: [extension(NONCE_OID, Buffer.alloc(16, 7))] }) },
      { refused: 'a nonce with a non-minimal length', build: () => request([valid().der], { extensions: [extension(NONCE_OID, hex(`0481${'10'}${'07'.repeat(16)}`))] }) },
    ])('refuses $refused', ({ build }) => {
      expect(parseOcspRequest(build())).toEqual({ ok: false });
    });

    it('refuses a request longer than the limit, unread, and takes the same request under it', () => {
      const padded = (length: number) => request([valid().der], { extensions: [extension(hex('06032a0304'), Buffer.alloc(length))] });
      const under = padded(MAX_OCSP_REQUEST_BYTES - 200);
      expect(under.length).toBeLessThanOrEqual(MAX_OCSP_REQUEST_BYTES);
      expect(parseOcspRequest(under).ok).toBe(true);
      expect(parseOcspRequest(padded(MAX_OCSP_REQUEST_BYTES))).toEqual({ ok: false });
      expect(parseOcspGetRequest(encodeURIComponent(Buffer.from(padded(MAX_OCSP_REQUEST_BYTES * 4)).toString('base64')))).toEqual({ ok: false });
    });

    it.each([
      { refused: 'a broken percent-encoding', path: '%E0%A4%A' },
      { refused: 'text that is not base64', path: 'not base64!' },
      { refused: 'nothing', path: '' },
    ])('refuses a GET path of $refused', ({ path }) => {
      expect(parseOcspGetRequest(path)).toEqual({ ok: false });
    });
  });

  describe('never throws', () => {
    it('on arbitrary bytes, or on a real request with one byte changed, cut short or extended', () => {
      const real = request([certIdFor(ca, serials[0]!, 'sha1').der], { version: 0, extensions: [extension(NONCE_OID, encodeTlv(TAG.octetString, Buffer.alloc(16, 1)))] });
      const damaged = fc.oneof(
        fc.uint8Array({ maxLength: 600 }),
        fc.tuple(fc.nat(real.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, flip]) => {
          const copy = Buffer.from(real);
          copy[at]! ^= flip;
          return copy;
        }),
        fc.nat(real.length).map((length) => real.subarray(0, length)),
        fc.uint8Array({ minLength: 1, maxLength: 40 }).map((extra) => Buffer.concat([real, extra])),
      );
      fc.assert(
        fc.property(damaged, (bytes) => {
          const parsed = parseOcspRequest(bytes);
          expect(typeof parsed.ok).toBe('boolean');
        }),
        { numRuns: 2000 },
      );
      fc.assert(
        fc.property(fc.string({ maxLength: 300 }), (path) => {
          expect(typeof parseOcspGetRequest(path).ok).toBe('boolean');
        }),
        { numRuns: 500 },
      );
    });
  });
});
