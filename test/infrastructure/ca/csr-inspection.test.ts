import '../../../infrastructure/ca/x509-bootstrap.js';
import { createHash, createPublicKey, webcrypto } from 'node:crypto';
import { Pkcs10CertificateRequestGenerator } from '@peculiar/x509';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CsrFacts, CsrInspection } from '../../../domain/ports/certificate-authority.js';
import { inspectCsr } from '../../../infrastructure/ca/csr-inspection.js';
import { openssl, opensslOk, toPem, workDir } from '../../support/openssl.js';

const REASONS = [
  'the request is too large',
  'not a PEM certificate request',
  'the PEM body is not valid base64',
  'not a DER PKCS#10 certification request',
  'the public key cannot be decoded',
];

type KeyParams = webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams | webcrypto.Algorithm;

async function csrDer(key: KeyParams, signingAlgorithm: webcrypto.Algorithm | webcrypto.EcdsaParams): Promise<Buffer> {
  const keys = (await webcrypto.subtle.generateKey(key, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const csr = await Pkcs10CertificateRequestGenerator.create({ name: 'CN=resident', keys, signingAlgorithm });
  return Buffer.from(csr.rawData);
}

const rsa = (modulusLength: number): webcrypto.RsaHashedKeyGenParams => ({
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
});

function factsOf(inspection: CsrInspection): CsrFacts {
  if (!inspection.ok) throw new Error(`expected facts, got: ${inspection.reason}`);
  return inspection.facts;
}

const pemOf = (der: Uint8Array) => toPem(Buffer.from(der).toString('base64'), 'CERTIFICATE REQUEST');

describe('inspectCsr', () => {
  const dir = workDir();
  const csrs: Record<'rsa2048' | 'rsa1024' | 'p256' | 'p384' | 'ed25519', Buffer> = {} as never;

  beforeAll(async () => {
    [csrs.rsa2048, csrs.rsa1024, csrs.p256, csrs.p384, csrs.ed25519] = await Promise.all([
      csrDer(rsa(2048), { name: 'RSASSA-PKCS1-v1_5' }),
      csrDer(rsa(1024), { name: 'RSASSA-PKCS1-v1_5' }),
      csrDer({ name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: 'SHA-256' }),
      csrDer({ name: 'ECDSA', namedCurve: 'P-384' }, { name: 'ECDSA', hash: 'SHA-384' }),
      csrDer({ name: 'Ed25519' }, { name: 'Ed25519' }),
    ]);
  });
  afterAll(() => dir.remove());

  it('reports an RSA-2048 key with exponent 65537, its SPKI and SHA-256, and proof of possession', async () => {
    const facts = factsOf(await inspectCsr(pemOf(csrs.rsa2048)));
    expect(facts.publicKey).toEqual({ kind: 'rsa', modulusBits: 2048, publicExponent: 65537 });
    expect(facts.proofOfPossession).toBe(true);
    expect(createPublicKey({ key: Buffer.from(facts.subjectPublicKeyInfo, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyType).toBe('rsa');
    expect(facts.publicKeySha256).toBe(createHash('sha256').update(Buffer.from(facts.subjectPublicKeyInfo, 'base64')).digest('hex'));
  });

  it('reports an RSA-1024 key as such, and leaves judging it to the decider', async () => {
    const facts = factsOf(await inspectCsr(pemOf(csrs.rsa1024)));
    expect(facts.publicKey).toEqual({ kind: 'rsa', modulusBits: 1024, publicExponent: 65537 });
    expect(facts.proofOfPossession).toBe(true);
  });

  it('names EC curves P-256 and P-384', async () => {
    expect(factsOf(await inspectCsr(pemOf(csrs.p256)))).toMatchObject({ publicKey: { kind: 'ec', namedCurve: 'P-256' }, proofOfPossession: true });
    expect(factsOf(await inspectCsr(pemOf(csrs.p384)))).toMatchObject({ publicKey: { kind: 'ec', namedCurve: 'P-384' }, proofOfPossession: true });
  });

  it('reports any other key by its algorithm OID (Ed25519)', async () => {
    expect(factsOf(await inspectCsr(pemOf(csrs.ed25519)))).toMatchObject({ publicKey: { kind: 'other', algorithm: '1.3.101.112' }, proofOfPossession: true });
  });

  it('says there is no proof of possession when the signature was tampered with (openssl agrees)', async () => {
    const tampered = Buffer.from(csrs.rsa2048);
    tampered[tampered.length - 1]! ^= 0x01;
    const facts = factsOf(await inspectCsr(pemOf(tampered)));
    expect(facts.proofOfPossession).toBe(false);
    expect(facts.publicKey).toEqual({ kind: 'rsa', modulusBits: 2048, publicExponent: 65537 });
    // openssl 3.0 exits 0 here; only its message tells.
    const checked = openssl(['req', '-verify', '-noout', '-in', dir.write('tampered.csr', pemOf(tampered))]);
    expect(checked.stdout + checked.stderr).toContain('self-signature verify failure');
  });

  it('agrees with openssl on a request that openssl made', async () => {
    const key = dir.write('resident.key', opensslOk(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']));
    const csr = opensslOk(['req', '-new', '-key', key, '-subj', '/CN=resident', '-sha256']);
    const facts = factsOf(await inspectCsr(csr));
    const spkiPem = opensslOk(['req', '-in', dir.write('openssl.csr', csr), '-noout', '-pubkey']);
    expect(facts.subjectPublicKeyInfo).toBe(createPublicKey(spkiPem).export({ type: 'spki', format: 'der' }).toString('base64'));
    expect(facts).toMatchObject({ publicKey: { kind: 'ec', namedCurve: 'P-256' }, proofOfPossession: true });
  });

  it('accepts the legacy NEW CERTIFICATE REQUEST label and CRLF line ends', async () => {
    const legacy = pemOf(csrs.p256).replaceAll('CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST').replaceAll('\n', '\r\n');
    expect((await inspectCsr(legacy)).ok).toBe(true);
  });

  describe('refuses what is not a request, with a short reason that repeats nothing of it', () => {
    const marker = 'YamadaTaro_0123456789';
    const valid = () => pemOf(csrs.rsa2048);
    const cases: [string, () => string, string][] = [
      ['garbage text', () => `hello ${marker}`, 'not a PEM certificate request'],
      ['an empty string', () => '', 'not a PEM certificate request'],
      ['a certificate instead of a request', () => valid().replaceAll('CERTIFICATE REQUEST', 'CERTIFICATE'), 'not a PEM certificate request'],
      ['PEM cut before its END line', () => valid().slice(0, 300), 'not a PEM certificate request'],
      // Text before the block is explanatory text (RFC 7468 §5.2) and is skipped; after it, it is not.
      ['text after the PEM block', () => `${valid()}${marker}\n`, 'not a PEM certificate request'],
      ['text before the BEGIN line on the same line', () => `${marker} ${valid()}`, 'not a PEM certificate request'],
      ['a body that is not base64', () => valid().replace('\n', `\n${marker}!\n`), 'the PEM body is not valid base64'],
      ['DER cut short', () => pemOf(csrs.rsa2048.subarray(0, 200)), 'not a DER PKCS#10 certification request'],
      ['DER with bytes after it', () => pemOf(Buffer.concat([csrs.rsa2048, Buffer.from(marker)])), 'not a DER PKCS#10 certification request'],
      ['DER of something else', () => pemOf(Buffer.from(`0\u0016${marker}`)), 'not a DER PKCS#10 certification request'],
      ['a huge input', () => `${marker}\n`.repeat(5000), 'the request is too large'],
    ];

    it.each(cases)('%s', async (_, input, reason) => {
      const text = input();
      const inspection = await inspectCsr(text);
      expect(inspection).toEqual({ ok: false, reason });
      expect(reason).not.toContain(marker);
    });

    it('a key that does not decode (an EC point off the curve)', async () => {
      const offCurve = Buffer.from(csrs.p256);
      // BIT STRING of 66 octets: no unused bits, 04, x, y. Change x and the point leaves the curve.
      const point = offCurve.indexOf(Buffer.from([0x03, 0x42, 0x00, 0x04]));
      offCurve[point + 10]! ^= 0x01;
      expect(await inspectCsr(pemOf(offCurve))).toEqual({ ok: false, reason: 'the public key cannot be decoded' });
    });

    it('never throws and only ever gives one of its fixed reasons, for any text or any damaged request', async () => {
      const isFixed = (inspection: CsrInspection) => inspection.ok || REASONS.includes(inspection.reason);
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 600 }).map(pemOf)), async (text) => {
          expect(isFixed(await inspectCsr(text))).toBe(true);
        }),
        { numRuns: 300 },
      );
      await fc.assert(
        fc.asyncProperty(fc.nat(csrs.p256.length - 1), fc.integer({ min: 1, max: 255 }), async (at, flip) => {
          const damaged = Buffer.from(csrs.p256);
          damaged[at]! ^= flip;
          expect(isFixed(await inspectCsr(pemOf(damaged)))).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  });
});
