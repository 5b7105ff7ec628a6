import { createHash } from 'node:crypto';

/** A key's id throughout the ledger: lowercase hex SHA-256 of its SubjectPublicKeyInfo DER. */
export function keyIdOf(subjectPublicKeyInfo: Uint8Array): string {
  return createHash('sha256').update(subjectPublicKeyInfo).digest('hex');
}
