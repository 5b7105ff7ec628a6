/**
 * The sealing process: commits, as `LogCheckpointSealed` on `log-checkpoints`, the size and root of
 * the Merkle tree over the global order as the merkle-log read model has folded it, signed with the
 * ledger's sealing key (its own key in the key store, recorded once as `LogSealingKeyEstablished`).
 * A checkpoint is sealed only when something beyond the last checkpoint was recorded; two sealers racing append
 * one checkpoint between them (optimistic concurrency on the stream), and the loser reports the
 * winner's.
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  LOG_CHECKPOINT_STREAM,
  LOG_SEALING_KEY_STREAM,
  logCheckpointSealed,
  logSealingKeyEstablished,
  type CheckpointStatement,
  type LogCheckpoint,
  type LogSealingKey,
} from '../../domain/audit/events.js';
import type { KeyAlgorithm } from '../../domain/ports/certificate-authority.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { IdSource } from '../../domain/ports/ids.js';
import type { KeyStore } from '../../domain/ports/signer.js';
import { appendSystemEvent } from '../event-store/system-event.js';
import { signatureAlgorithmFor, statementBytes } from './checkpoint.js';

/** The Merkle tree as folded so far (the merkle-log read model). */
export interface FoldedTree {
  size(): number;
  root(size: number): Buffer;
  leafAt(index: number): { readonly position: bigint } | undefined;
}

export interface SealedCheckpoint {
  readonly checkpoint: LogCheckpoint;
  /** Where the checkpoint event itself sits in the global log. */
  readonly position: bigint;
  readonly revision: bigint;
}

export interface LogSealer {
  readonly key: LogSealingKey;
  latest(): Promise<SealedCheckpoint | undefined>;
  /** Seals the tree as folded now; when it has not grown since the last checkpoint, that one (undefined on an empty log). */
  seal(): Promise<SealedCheckpoint | undefined>;
}

interface Deps {
  readonly store: EventStore;
  readonly keyStore: KeyStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly tree: FoldedTree;
}

async function lastOf<T>(store: EventStore, stream: string, parse: (type: string, data: unknown) => T): Promise<{ value: T; position: bigint; revision: bigint } | undefined> {
  for await (const event of store.readStream(stream, { direction: 'backwards', fromRevision: 'end', maxCount: 1 })) {
    return { value: parse(event.type, event.data), position: event.position, revision: event.revision };
  }
  return undefined;
}

const parseKey = (type: string, data: unknown): LogSealingKey => logSealingKeyEstablished.parse({ type, data }).data;
const parseCheckpoint = (type: string, data: unknown): LogCheckpoint => logCheckpointSealed.parse({ type, data }).data;

async function sealingKey(deps: Deps, algorithm: KeyAlgorithm): Promise<LogSealingKey> {
  const found = await lastOf(deps.store, LOG_SEALING_KEY_STREAM, parseKey);
  if (found !== undefined) return found.value;
  const generated = await deps.keyStore.generate(algorithm);
  const key: LogSealingKey = {
    keyId: generated.keyId,
    subjectPublicKeyInfo: generated.subjectPublicKeyInfo,
    signatureAlgorithm: signatureAlgorithmFor(algorithm),
    establishedAt: deps.clock.now().toISOString(),
  };
  const appended = await appendSystemEvent(deps, LOG_SEALING_KEY_STREAM, 'LogSealingKeyEstablished', key, 'no_stream');
  if (E.isRight(appended)) return key;
  // Another process established it at the same moment: use theirs.
  const theirs = await lastOf(deps.store, LOG_SEALING_KEY_STREAM, parseKey);
  if (theirs === undefined) throw new Error('the log sealing key could not be established');
  return theirs.value;
}

export async function establishLogSealer(deps: Deps, algorithm: KeyAlgorithm): Promise<LogSealer> {
  const key = await sealingKey(deps, algorithm);
  const latest = async (): Promise<SealedCheckpoint | undefined> => {
    const found = await lastOf(deps.store, LOG_CHECKPOINT_STREAM, parseCheckpoint);
    return found === undefined ? undefined : { checkpoint: found.value, position: found.position, revision: found.revision };
  };
  const seal = async (): Promise<SealedCheckpoint | undefined> => {
    const previous = await latest();
    const treeSize = deps.tree.size();
    const last = deps.tree.leafAt(treeSize - 1);
    // Nothing recorded since the last checkpoint but that checkpoint itself, or the read model is
    // being rebuilt and is behind: the last checkpoint stands (an idle ledger seals nothing new).
    if (last === undefined || treeSize <= (previous?.checkpoint.treeSize ?? 0) || last.position <= (previous?.position ?? 0n)) return previous;
    const statement: CheckpointStatement = {
      log: 'jpki-ledger',
      treeSize,
      rootHash: deps.tree.root(treeSize).toString('hex'),
      lastPosition: last.position.toString(),
      sealedAt: deps.clock.now().toISOString(),
    };
    const signature = await deps.keyStore.sign(key.keyId, statementBytes(statement));
    const checkpoint: LogCheckpoint = { ...statement, keyId: key.keyId, signatureAlgorithm: key.signatureAlgorithm, signature: Buffer.from(signature).toString('base64') };
    const appended = await appendSystemEvent(deps, LOG_CHECKPOINT_STREAM, 'LogCheckpointSealed', checkpoint, previous === undefined ? 'no_stream' : previous.revision);
    if (E.isLeft(appended)) return latest();
    return { checkpoint, position: appended.right.position, revision: appended.right.nextExpectedRevision };
  };
  return { key, latest, seal };
}
