/**
 * The provable log: the key the ledger seals checkpoints with (`log-sealing-key`), and each signed
 * checkpoint (`log-checkpoints`) — the size and RFC 9162 root hash of the Merkle tree over the hashes
 * of the first `treeSize` events of the global order, signed over the canonical JSON of the statement.
 */
import { z } from 'zod';

const keyId = z.string().regex(/^[0-9a-f]{64}$/);
const instant = z.iso.datetime({ offset: true });

export const SIGNATURE_ALGORITHMS = ['RSASSA-PKCS1-v1_5-SHA256', 'ECDSA-P256-SHA256'] as const;

export const logSealingKeyEstablished = z.object({
  type: z.literal('LogSealingKeyEstablished'),
  data: z.object({
    keyId,
    /** base64 DER SubjectPublicKeyInfo. */
    subjectPublicKeyInfo: z.string().min(1),
    signatureAlgorithm: z.enum(SIGNATURE_ALGORITHMS),
    establishedAt: instant,
  }),
});
export type LogSealingKey = z.infer<typeof logSealingKeyEstablished>['data'];

/** What a checkpoint asserts; its canonical JSON is what is signed. */
export const checkpointStatement = z.object({
  log: z.literal('jpki-ledger'),
  treeSize: z.number().int().min(1),
  /** Lowercase hex of the Merkle tree hash over the first treeSize events. */
  rootHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Global position of the last event the tree covers (decimal). */
  lastPosition: z.string().regex(/^\d+$/),
  sealedAt: instant,
});
export type CheckpointStatement = z.infer<typeof checkpointStatement>;

export const logCheckpointSealed = z.object({
  type: z.literal('LogCheckpointSealed'),
  data: checkpointStatement.extend({
    keyId,
    signatureAlgorithm: z.enum(SIGNATURE_ALGORITHMS),
    /** base64 signature over the canonical JSON (RFC 8785) of the statement. */
    signature: z.string().min(1),
  }),
});
export type LogCheckpoint = z.infer<typeof logCheckpointSealed>['data'];

export const LOG_SEALING_KEY_STREAM = 'log-sealing-key';
export const LOG_CHECKPOINT_STREAM = 'log-checkpoints';
