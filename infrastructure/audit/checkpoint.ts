/**
 * A checkpoint's signature: over the RFC 8785 canonical JSON of its statement (log, treeSize,
 * rootHash, lastPosition, sealedAt), with the ledger's sealing key — RSASSA-PKCS1-v1_5 or ECDSA
 * (DER signature), SHA-256. Anyone with the key's SubjectPublicKeyInfo can check it with openssl:
 * `openssl dgst -sha256 -verify key.pem -signature sig.bin statement.json`.
 */
import { createPublicKey, verify } from 'node:crypto';
import type { CheckpointStatement, LogCheckpoint, LogSealingKey } from '../../domain/audit/events.js';
import type { KeyAlgorithm } from '../../domain/ports/certificate-authority.js';
import { canonicalJson } from '../event-store/canonical-json.js';

export function statementOf(checkpoint: LogCheckpoint): CheckpointStatement {
  const { log, treeSize, rootHash, lastPosition, sealedAt } = checkpoint;
  return { log, treeSize, rootHash, lastPosition, sealedAt };
}

export function statementBytes(statement: CheckpointStatement): Buffer {
  return Buffer.from(canonicalJson(statement), 'utf8');
}

export function signatureAlgorithmFor(algorithm: KeyAlgorithm): LogSealingKey['signatureAlgorithm'] {
  return algorithm === 'RSA-2048' ? 'RSASSA-PKCS1-v1_5-SHA256' : 'ECDSA-P256-SHA256';
}

export function sealingKeyPem(key: LogSealingKey): string {
  return createPublicKey({ key: Buffer.from(key.subjectPublicKeyInfo, 'base64'), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }) as string;
}

/** Whether the checkpoint's signature is the sealing key's over its statement. */
export function signatureHolds(checkpoint: LogCheckpoint, key: LogSealingKey): boolean {
  if (checkpoint.keyId !== key.keyId || checkpoint.signatureAlgorithm !== key.signatureAlgorithm) return false;
  const publicKey = createPublicKey({ key: Buffer.from(key.subjectPublicKeyInfo, 'base64'), format: 'der', type: 'spki' });
  const options = key.signatureAlgorithm === 'ECDSA-P256-SHA256' ? { key: publicKey, dsaEncoding: 'der' as const } : publicKey;
  return verify('sha256', statementBytes(statementOf(checkpoint)), options, Buffer.from(checkpoint.signature, 'base64'));
}
