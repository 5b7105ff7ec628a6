import { constants, createHash, createPublicKey, verify } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeneratedKey } from '../../../domain/ports/signer.js';
import { FileKeyStore, UnknownKeyError } from '../../../infrastructure/ca/file-key-store.js';
import { tempDir } from '../../support/temp-dir.js';
import { opensslOk } from '../../support/openssl.js';

const data = new TextEncoder().encode('TBSCertificate bytes stand-in');

describe('FileKeyStore', () => {
  const dir = tempDir();
  const keysDir = join(dir.path, 'nested', 'ca-keys');
  const store = new FileKeyStore(keysDir);
  let rsa: GeneratedKey;
  let ec: GeneratedKey;

  beforeAll(async () => {
    [rsa, ec] = await Promise.all([store.generate('RSA-2048'), store.generate('ECDSA-P256')]);
  });
  afterAll(() => dir.remove());

  const publicKeyOf = (key: GeneratedKey) => createPublicKey({ key: Buffer.from(key.subjectPublicKeyInfo, 'base64'), format: 'der', type: 'spki' });

  it('keeps each key as a PKCS#8 PEM file <keyId>.p8, mode 0600, in a 0700 directory, and nothing else', () => {
    expect(statSync(keysDir).mode & 0o777).toBe(0o700);
    expect(readdirSync(keysDir).sort()).toEqual([`${rsa.keyId}.p8`, `${ec.keyId}.p8`].sort());
    for (const key of [rsa, ec]) {
      const file = join(keysDir, `${key.keyId}.p8`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      // openssl reads it as is and derives the same public key.
      const spki = opensslOk(['pkey', '-in', file, '-pubout', '-outform', 'PEM']);
      expect(createPublicKey(spki).export({ type: 'spki', format: 'der' }).toString('base64')).toBe(key.subjectPublicKeyInfo);
    }
  });

  it('returns only the key id and the public key', () => {
    expect(Object.keys(rsa).sort()).toEqual(['keyId', 'subjectPublicKeyInfo']);
  });

  it('names keys by the hex SHA-256 of their SubjectPublicKeyInfo DER', () => {
    for (const key of [rsa, ec]) {
      expect(key.keyId).toBe(createHash('sha256').update(Buffer.from(key.subjectPublicKeyInfo, 'base64')).digest('hex'));
    }
  });

  it('makes RSA-2048 keys with exponent 65537 and P-256 keys, and says which is which', async () => {
    expect(publicKeyOf(rsa).asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
    expect(publicKeyOf(ec).asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
    expect(await store.algorithmOf(rsa.keyId)).toBe('RSA-2048');
    expect(await store.algorithmOf(ec.keyId)).toBe('ECDSA-P256');
  });

  it('signs RSASSA-PKCS1-v1_5 with SHA-256', async () => {
    const signature = await store.sign(rsa.keyId, data);
    expect(verify('sha256', data, { key: publicKeyOf(rsa), padding: constants.RSA_PKCS1_PADDING }, signature)).toBe(true);
    expect(verify('sha256', Buffer.from('other'), { key: publicKeyOf(rsa), padding: constants.RSA_PKCS1_PADDING }, signature)).toBe(false);
  });

  it('signs ECDSA with SHA-256, DER-encoded as SEQUENCE { r, s }', async () => {
    const signature = await store.sign(ec.keyId, data);
    expect(signature[0]).toBe(0x30);
    expect(signature[1]).toBe(signature.length - 2);
    expect(verify('sha256', data, { key: publicKeyOf(ec), dsaEncoding: 'der' }, signature)).toBe(true);
  });

  it('signs with the same keys from a second instance on the same directory', async () => {
    const again = new FileKeyStore(keysDir);
    expect(verify('sha256', data, { key: publicKeyOf(rsa), padding: constants.RSA_PKCS1_PADDING }, await again.sign(rsa.keyId, data))).toBe(true);
    expect(verify('sha256', data, { key: publicKeyOf(ec), dsaEncoding: 'der' }, await again.sign(ec.keyId, data))).toBe(true);
    expect(await again.algorithmOf(ec.keyId)).toBe('ECDSA-P256');
  });

  it('rejects an unknown key id with a clear error', async () => {
    const unknown = 'ab'.repeat(32);
    await expect(store.sign(unknown, data)).rejects.toThrow(UnknownKeyError);
    await expect(store.sign(unknown, data)).rejects.toThrow(`no private key with id ${unknown} in this key store`);
    await expect(new FileKeyStore(join(dir.path, 'absent')).algorithmOf(rsa.keyId)).rejects.toThrow(UnknownKeyError);
  });

  it('never turns a key id into a path outside its directory', async () => {
    await expect(store.sign(`../${rsa.keyId}`, data)).rejects.toThrow(UnknownKeyError);
    await expect(store.sign(rsa.keyId.toUpperCase(), data)).rejects.toThrow(UnknownKeyError);
  });

  it('refuses a key file that holds another key than its name says', async () => {
    const swapped = join(dir.path, 'swapped');
    mkdirSync(swapped);
    copyFileSync(join(keysDir, `${rsa.keyId}.p8`), join(swapped, `${ec.keyId}.p8`));
    await expect(new FileKeyStore(swapped).sign(ec.keyId, data)).rejects.toThrow(`the key file for ${ec.keyId} holds a different key`);
  });
});
