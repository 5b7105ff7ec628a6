/**
 * Private keys as unencrypted PKCS#8 PEM files `<dir>/<keyId>.p8` (mode 0600, directory 0700), the
 * software stand-in for an HSM. Files are written atomically (a 0600 temp file, fsync, rename), so a
 * crash never leaves a half-written key under a real key id. Key material stays inside this module:
 * nothing it returns, throws or logs contains it.
 */
import { constants, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KeyAlgorithm } from '../../domain/ports/certificate-authority.js';
import type { GeneratedKey, KeyStore } from '../../domain/ports/signer.js';
import { keyIdOf } from './key-id.js';

const generateKeyPairAsync = promisify(generateKeyPair);
const signAsync = promisify(sign);

const KEY_ID = /^[0-9a-f]{64}$/;

/**
 * Above this size the signature is made on the calling thread. An asynchronous sign copies its
 * input on the calling thread before handing it to the thread pool; for a CRL of a million entries
 * (51 MB) that copy took ~135 ms where hashing and signing in place took ~30 ms.
 */
const SIGN_IN_PLACE_BYTES = 1024 * 1024;

export class UnknownKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`no private key with id ${keyId} in this key store`);
    this.name = 'UnknownKeyError';
  }
}

export class FileKeyStore implements KeyStore {
  /** Loaded keys, so that signing many certificates reads each file once. */
  private readonly keys = new Map<string, KeyObject>();

  constructor(private readonly dir: string) {}

  async generate(algorithm: KeyAlgorithm): Promise<GeneratedKey> {
    const { privateKey, publicKey } =
      algorithm === 'RSA-2048'
        ? await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 65537 })
        : await generateKeyPairAsync('ec', { namedCurve: 'P-256' });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const keyId = keyIdOf(spki);
    await this.writeAtomically(`${keyId}.p8`, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    this.keys.set(keyId, privateKey);
    return { keyId, subjectPublicKeyInfo: spki.toString('base64') };
  }

  async sign(keyId: string, data: Uint8Array): Promise<Uint8Array> {
    const key = await this.load(keyId);
    const options =
      key.asymmetricKeyType === 'rsa'
        ? { key, padding: constants.RSA_PKCS1_PADDING }
        : { key, dsaEncoding: 'der' as const };
    if (data.byteLength > SIGN_IN_PLACE_BYTES) return new Uint8Array(sign('sha256', data, options));
    return new Uint8Array(await signAsync('sha256', data, options));
  }

  async algorithmOf(keyId: string): Promise<KeyAlgorithm> {
    const key = await this.load(keyId);
    const details = key.asymmetricKeyDetails;
    if (key.asymmetricKeyType === 'rsa' && details?.modulusLength === 2048) return 'RSA-2048';
    if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') return 'ECDSA-P256';
    throw new Error(`key ${keyId} is neither RSA-2048 nor ECDSA P-256`);
  }

  private async load(keyId: string): Promise<KeyObject> {
    // The id becomes a file name: anything but 64 hex digits could point outside the directory.
    if (!KEY_ID.test(keyId)) throw new UnknownKeyError(keyId);
    const cached = this.keys.get(keyId);
    if (cached !== undefined) return cached;
    let pem: string;
    try {
      pem = await readFile(join(this.dir, `${keyId}.p8`), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UnknownKeyError(keyId);
      throw error;
    }
    const key = createPrivateKey(pem);
    // A renamed or swapped file must not sign under another key's id.
    if (keyIdOf(createPublicKey(key).export({ type: 'spki', format: 'der' })) !== keyId) {
      throw new Error(`the key file for ${keyId} holds a different key`);
    }
    this.keys.set(keyId, key);
    return key;
  }

  private async writeAtomically(name: string, contents: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = join(this.dir, `.${name}.${randomBytes(8).toString('hex')}.tmp`);
    // Created 0600 from the start: the key is never readable by others, not even for a moment.
    const file = await open(temp, 'wx', 0o600);
    try {
      try {
        await file.writeFile(contents);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, join(this.dir, name));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync(); // makes the rename itself durable
    } finally {
      await dir.close();
    }
  }
}
