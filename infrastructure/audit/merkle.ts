/**
 * The Merkle tree of RFC 9162 §2.1 over the global order of events: leaf i is the hash of the event
 * at the i-th place in the log (its envelope `hash`, 32 bytes). Leaf hash = SHA-256(0x00 ‖ leaf),
 * interior node = SHA-256(0x01 ‖ left ‖ right), split at the largest power of two below the size.
 *
 * Proofs are built over a `SubtreeSource` that answers the hash of a perfect subtree (2^level leaves
 * starting at index × 2^level) with one lookup, so an inclusion or consistency proof costs O(log n)
 * lookups whatever the size of the log. Verification (§2.1.3.2, §2.1.4.2) needs nothing but the proof.
 */
import { createHash } from 'node:crypto';

export type Hash = Buffer;

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

export function leafHash(leaf: Uint8Array): Hash {
  return createHash('sha256').update(LEAF).update(leaf).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

/** MTH({}): the hash of the empty string. */
export const EMPTY_TREE_HASH: Hash = createHash('sha256').digest();

/** The largest power of two smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The hash of the perfect subtree of 2^level leaves that starts at leaf index × 2^level. */
export interface SubtreeSource {
  perfect(level: number, index: number): Hash;
}

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/** MTH(D[start:end]), where start is a multiple of the largest power of two not above end − start. */
export function rangeHash(source: SubtreeSource, start: number, end: number): Hash {
  const size = end - start;
  if (size === 0) return EMPTY_TREE_HASH;
  if (isPowerOfTwo(size) && start % size === 0) return source.perfect(Math.log2(size), start / size);
  const k = splitPoint(size);
  return nodeHash(rangeHash(source, start, start + k), rangeHash(source, start + k, end));
}

/** PATH(m, D[0:n]) (§2.1.3.1): the audit path of leaf m in the tree of size n, leaf level first. */
export function inclusionProof(source: SubtreeSource, m: number, n: number): Hash[] {
  if (!(m >= 0 && m < n)) throw new RangeError(`leaf ${m} is not in a tree of size ${n}`);
  const path = (index: number, start: number, end: number): Hash[] => {
    if (end - start <= 1) return [];
    const k = splitPoint(end - start);
    return index < k
      ? [...path(index, start, start + k), rangeHash(source, start + k, end)]
      : [...path(index - k, start + k, end), rangeHash(source, start, start + k)];
  };
  return path(m, 0, n);
}

/** PROOF(m, D[0:n]) (§2.1.4.1): proves the tree of size n extends the tree of size m. */
export function consistencyProof(source: SubtreeSource, m: number, n: number): Hash[] {
  if (!(m > 0 && m <= n)) throw new RangeError(`no consistency proof from size ${m} to size ${n}`);
  const subproof = (size: number, start: number, end: number, complete: boolean): Hash[] => {
    if (size === end - start) return complete ? [] : [rangeHash(source, start, end)];
    const k = splitPoint(end - start);
    return size <= k
      ? [...subproof(size, start, start + k, complete), rangeHash(source, start + k, end)]
      : [...subproof(size - k, start + k, end, false), rangeHash(source, start, start + k)];
  };
  return subproof(m, 0, n, true);
}

/** §2.1.3.2: whether `path` proves that the leaf with `hashOfLeaf` sits at `index` in the tree of `size` with `root`. */
export function verifyInclusion(hashOfLeaf: Uint8Array, index: number, size: number, path: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = hashOfLeaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(r).equals(root);
}

/** §2.1.4.2: whether `proof` shows that the tree (`size2`, `root2`) extends the tree (`size1`, `root1`). */
export function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!(size1 > 0 && size1 <= size2)) return false;
  if (size1 === size2) return proof.length === 0 && Buffer.from(root1).equals(root2);
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  const [first, ...rest] = path;
  if (first === undefined) return false;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = first;
  let sr: Uint8Array = first;
  for (const c of rest) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(fr).equals(root1) && Buffer.from(sr).equals(root2);
}

/**
 * Builds the tree leaf by leaf, keeping only the right edge (one hash per level): the root of
 * everything appended so far in O(log n), and every perfect subtree as it completes, for a store.
 */
export class MerkleFrontier {
  private readonly edge: (Hash | undefined)[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Appends a leaf; calls `completed(level, index, hash)` for the leaf and every subtree it completes. */
  append(leaf: Uint8Array, completed?: (level: number, index: number, hash: Hash) => void): void {
    let hash = leafHash(leaf);
    let index = this.count;
    let level = 0;
    completed?.(0, index, hash);
    while (index % 2 === 1) {
      const left = this.edge[level];
      if (left === undefined) throw new Error('merkle frontier out of step');
      hash = nodeHash(left, hash);
      this.edge[level] = undefined;
      level += 1;
      index = Math.floor(index / 2);
      completed?.(level, index, hash);
    }
    this.edge[level] = hash;
    this.count += 1;
  }

  /** MTH of all leaves appended so far. */
  root(): Hash {
    let root: Hash | undefined;
    for (const hash of this.edge) {
      if (hash === undefined) continue;
      root = root === undefined ? hash : nodeHash(hash, root);
    }
    return root ?? EMPTY_TREE_HASH;
  }

  /** The right edge, one entry per level (undefined where the size has no subtree of that level): with the size, all a frontier is. */
  edgeHashes(): readonly (Hash | undefined)[] {
    return [...this.edge];
  }

  /** A frontier from a size and the right edge `edgeHashes` gave (an export's header). */
  static fromEdge(size: number, edge: readonly (Hash | undefined)[]): MerkleFrontier {
    const frontier = new MerkleFrontier();
    for (let level = 0; 2 ** level <= size; level += 1) {
      const expected = Math.floor(size / 2 ** level) % 2 === 1;
      const hash = edge[level];
      if (expected !== (hash !== undefined)) throw new Error(`a right edge for ${size} leaves has ${expected ? 'a' : 'no'} subtree at level ${level}`);
      frontier.edge[level] = hash;
    }
    frontier.count = size;
    return frontier;
  }

  /** Restores a frontier from the perfect subtrees along the right edge of a tree of `size`. */
  static restore(size: number, source: SubtreeSource): MerkleFrontier {
    const frontier = new MerkleFrontier();
    for (let level = 0; 2 ** level <= size; level += 1) {
      if (Math.floor(size / 2 ** level) % 2 === 1) frontier.edge[level] = source.perfect(level, Math.floor(size / 2 ** level) - 1);
    }
    frontier.count = size;
    return frontier;
  }
}
