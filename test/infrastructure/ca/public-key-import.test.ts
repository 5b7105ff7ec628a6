import { ECDH, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodedByOpenssl, publicKeyObject } from '../../../infrastructure/ca/public-key-import.js';

const spkiOf = (key: KeyObject): Buffer => key.export({ format: 'der', type: 'spki' });

const keys = {
  'RSA-2048': spkiOf(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey),
  'RSA-3072 exponent 3': spkiOf(generateKeyPairSync('rsa', { modulusLength: 3072, publicExponent: 3 }).publicKey),
  'RSA-1024': spkiOf(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey),
  'P-256': spkiOf(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey),
  'P-384': spkiOf(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey),
  'P-521': spkiOf(generateKeyPairSync('ec', { namedCurve: 'secp521r1' }).publicKey),
  Ed25519: spkiOf(generateKeyPairSync('ed25519').publicKey),
};

/** What a test compares: whether the key decodes, and if so the SPKI node writes for it and what node says of it. */
function seen(key: KeyObject | undefined): unknown {
  return key === undefined ? 'does not decode' : { spki: spkiOf(key).toString('hex'), details: key.asymmetricKeyDetails };
}

describe('importing a SubjectPublicKeyInfo', () => {
  it.each(Object.entries(keys))('%s: the same key as OpenSSL decodes, written back to the very same bytes', (_, spki) => {
    const key = publicKeyObject(spki);
    expect(key).toBeDefined();
    expect(seen(key)).toEqual(seen(decodedByOpenssl(spki)));
    expect(spkiOf(key as KeyObject).equals(spki)).toBe(true);
  });

  it('leaves a compressed EC point to OpenSSL, which reads it as the same point', () => {
    const uncompressed = keys['P-256'].subarray(-65);
    const point = ECDH.convertKey(uncompressed, 'prime256v1', undefined, undefined, 'compressed') as Buffer;
    const compressed = Buffer.concat([Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'), point]);
    expect(seen(publicKeyObject(compressed))).toEqual(seen(decodedByOpenssl(compressed)));
    expect(publicKeyObject(compressed)?.export({ format: 'jwk' })).toEqual(publicKeyObject(keys['P-256'])?.export({ format: 'jwk' }));
  });

  it('reads an RSA key’s size and exponent as OpenSSL does', () => {
    expect(publicKeyObject(keys['RSA-3072 exponent 3'])?.asymmetricKeyDetails).toEqual({ modulusLength: 3072, publicExponent: 3n });
  });

  it('refuses an EC point off its curve, as OpenSSL does', () => {
    const offCurve = Buffer.from(keys['P-256']);
    offCurve[offCurve.length - 5]! ^= 0x01;
    expect(publicKeyObject(offCurve)).toBeUndefined();
    expect(decodedByOpenssl(offCurve)).toBeUndefined();
  });

  it('agrees with OpenSSL on any damaged key: whether it decodes, and to what', () => {
    const names = Object.keys(keys) as (keyof typeof keys)[];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.nat(), fc.integer({ min: 1, max: 255 }), (name, at, flip) => {
        const damaged = Buffer.from(keys[name]);
        damaged[at % damaged.length]! ^= flip;
        expect(seen(publicKeyObject(damaged))).toEqual(seen(decodedByOpenssl(damaged)));
      }),
      { numRuns: 3000 },
    );
  });
});
