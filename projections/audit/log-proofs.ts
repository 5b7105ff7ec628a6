/**
 * What an auditor asks of the provable log, answered from the merkle-log read model: the latest
 * signed checkpoint, an inclusion proof for the event at a position in a tree of a given size, and a
 * consistency proof between two sizes. Sizes beyond what the read model has folded are refused
 * (the caller retries), never guessed.
 */
import * as E from 'fp-ts/lib/Either.js';
import { notFound, notYetConsistent, policyViolation, type DomainError } from '../../domain/shared/errors.js';
import { leafHash } from '../../infrastructure/audit/merkle.js';
import type { MerkleLog } from './merkle-log.js';

export interface InclusionAnswer {
  readonly position: string;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly eventHash: string;
  readonly leafHash: string;
  readonly rootHash: string;
  readonly proof: readonly string[];
}

export interface ConsistencyAnswer {
  readonly from: number;
  readonly to: number;
  readonly fromRootHash: string;
  readonly toRootHash: string;
  readonly proof: readonly string[];
}

const hex = (hashes: readonly Buffer[]): string[] => hashes.map((h) => h.toString('hex'));

function folded(log: MerkleLog, size: number, field: string): DomainError | undefined {
  const have = log.size();
  if (size <= have) return undefined;
  const last = log.leafAt(have - 1)?.position ?? 0n;
  return { ...notYetConsistent(BigInt(size), last), detail: `The log tree holds ${have} events so far, not ${size} (${field}); retry shortly.` };
}

export function inclusionProofFor(log: MerkleLog, position: bigint, treeSize: number): E.Either<DomainError, InclusionAnswer> {
  const notYet = folded(log, treeSize, 'treeSize');
  if (notYet !== undefined) return E.left(notYet);
  const leaf = log.leafAtPosition(position);
  if (leaf === undefined) {
    const last = log.leafAt(log.size() - 1)?.position ?? 0n;
    if (position > last) return E.left({ ...notYetConsistent(position, last), detail: `The log tree has folded up to position ${last}, not yet ${position}; retry shortly.` });
    return E.left(notFound('event-not-found', `There is no event at position ${position}.`));
  }
  if (leaf.index >= treeSize) {
    return E.left(policyViolation('not-in-tree', `The event at position ${position} is event number ${leaf.index + 1}, after the tree of size ${treeSize}.`, 'query.treeSize'));
  }
  return E.right({
    position: position.toString(),
    leafIndex: leaf.index,
    treeSize,
    eventHash: leaf.eventHash,
    leafHash: leafHash(Buffer.from(leaf.eventHash, 'hex')).toString('hex'),
    rootHash: log.root(treeSize).toString('hex'),
    proof: hex(log.inclusion(leaf.index, treeSize)),
  });
}

export function consistencyProofFor(log: MerkleLog, from: number, to: number): E.Either<DomainError, ConsistencyAnswer> {
  if (from > to) return E.left(policyViolation('sizes-out-of-order', `A tree of size ${from} cannot be extended by one of size ${to}.`, 'query.from'));
  const notYet = folded(log, to, 'to');
  if (notYet !== undefined) return E.left(notYet);
  return E.right({
    from,
    to,
    fromRootHash: log.root(from).toString('hex'),
    toRootHash: log.root(to).toString('hex'),
    proof: hex(log.consistency(from, to)),
  });
}
