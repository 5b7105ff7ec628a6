/**
 * Private keys as the rest of the ledger sees them: "sign these bytes with this key id", nothing
 * else, so that a PKCS#11 HSM can stand where the file-based store stands now. No private key
 * material ever crosses this port.
 *
 * A key id is the lowercase hex SHA-256 of the key's SubjectPublicKeyInfo DER, so anyone holding a
 * certificate can tell which key signed it without asking the store.
 */
import type { KeyAlgorithm } from './certificate-authority.js';

export interface Signer {
  /**
   * Signs `data` (the whole message; the signer hashes it with SHA-256) with the key `keyId`:
   * RSASSA-PKCS1-v1_5 for RSA keys, ECDSA for P-256 keys with the signature DER-encoded as
   * SEQUENCE { r, s }, the form X.509 carries. Rejects when the key id is unknown.
   */
  sign(keyId: string, data: Uint8Array): Promise<Uint8Array>;
}

export interface GeneratedKey {
  readonly keyId: string;
  /** base64 of the SubjectPublicKeyInfo DER. */
  readonly subjectPublicKeyInfo: string;
}

/** A signer that also creates keys (RSA keys with exponent 65537) and says what kind each one is. */
export interface KeyStore extends Signer {
  generate(algorithm: KeyAlgorithm): Promise<GeneratedKey>;
  algorithmOf(keyId: string): Promise<KeyAlgorithm>;
}
