import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  EMPTY_TREE_HASH,
  inclusionProof,
  leafHash,
  MerkleFrontier,
  nodeHash,
  rangeHash,
  splitPoint,
  verifyConsistency,
  verifyInclusion,
  type Hash,
  type SubtreeSource,
} from '../../infrastructure/audit/merkle.js';

const unhex = (s: string): Buffer => Buffer.from(s, 'hex');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// The RFC 6962 reference leaves and tree heads (certificate-transparency test data).
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** A tree held in memory: the frontier hands every completed perfect subtree to a map. */
function memoryTree(leaves: readonly Uint8Array[]): { frontier: MerkleFrontier; source: SubtreeSource } {
  const nodes = new Map<string, Hash>();
  const frontier = new MerkleFrontier();
  for (const leaf of leaves) frontier.append(leaf, (level, index, hash) => nodes.set(`${level}/${index}`, hash));
  const source: SubtreeSource = {
    perfect: (level, index) => {
      const hash = nodes.get(`${level}/${index}`);
      if (hash === undefined) throw new Error(`no subtree ${level}/${index}`);
      return hash;
    },
  };
  return { frontier, source };
}

/** MTH straight from RFC 9162 §2.1.1, recursing over leaves: the reference the stored tree must agree with. */
function referenceRoot(leaves: readonly Uint8Array[]): Hash {
  if (leaves.length === 0) return EMPTY_TREE_HASH;
  if (leaves.length === 1) return leafHash(leaves[0] as Uint8Array);
  const k = splitPoint(leaves.length);
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

const leaves = Array.from({ length: 70 }, (_, i) => Buffer.from(`event-hash-${i}`));

describe('the RFC 9162 Merkle tree over the log', () => {
  it('gives the RFC 6962 reference roots for every size 0..8, incrementally and from stored subtrees', () => {
    const { frontier, source } = memoryTree(CT_LEAVES);
    expect(hex(frontier.root())).toBe(CT_ROOTS[8]);
    for (let n = 0; n <= 8; n += 1) {
      expect(hex(rangeHash(source, 0, n)), `size ${n}`).toBe(CT_ROOTS[n]);
      expect(hex(memoryTree(CT_LEAVES.slice(0, n)).frontier.root()), `frontier size ${n}`).toBe(CT_ROOTS[n]);
    }
  });

  it('gives the reference inclusion and consistency proofs', () => {
    const { source } = memoryTree(CT_LEAVES);
    expect(inclusionProof(source, 0, 8).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(inclusionProof(source, 5, 8).map(hex)).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(consistencyProof(source, 2, 8).map(hex)).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
  });

  it('agrees with the recursive definition for every size up to 70, and a frontier restored from stored subtrees goes on the same', () => {
    const { source } = memoryTree(leaves);
    for (let n = 0; n <= leaves.length; n += 1) {
      const expected = hex(referenceRoot(leaves.slice(0, n)));
      expect(hex(rangeHash(source, 0, n)), `size ${n}`).toBe(expected);
      const restored = MerkleFrontier.restore(n, source);
      expect(hex(restored.root()), `restored at ${n}`).toBe(expected);
      if (n < leaves.length) {
        restored.append(leaves[n] as Uint8Array);
        expect(hex(restored.root()), `restored at ${n}, one more`).toBe(hex(referenceRoot(leaves.slice(0, n + 1))));
      }
    }
  });

  it('proves every leaf of every tree size, and a proof for another leaf, size or root does not verify', () => {
    const { source } = memoryTree(leaves);
    for (let n = 1; n <= 40; n += 1) {
      const root = rangeHash(source, 0, n);
      for (let m = 0; m < n; m += 1) {
        const path = inclusionProof(source, m, n);
        const leaf = leafHash(leaves[m] as Uint8Array);
        expect(verifyInclusion(leaf, m, n, path, root), `leaf ${m} of ${n}`).toBe(true);
        if (n > 1) expect(verifyInclusion(leaf, (m + 1) % n, n, path, root), `leaf ${m} as ${(m + 1) % n}`).toBe(false);
        expect(verifyInclusion(leaf, m, n + 1, path, rangeHash(source, 0, n + 1))).toBe(false);
        expect(verifyInclusion(leafHash(Buffer.from('altered')), m, n, path, root)).toBe(false);
        if (path.length > 0) expect(verifyInclusion(leaf, m, n, path.slice(1), root)).toBe(false);
      }
    }
  });

  it('proves every smaller tree consistent with every larger one, and a forked history is not', () => {
    const { source } = memoryTree(leaves);
    const forked = memoryTree([...leaves.slice(0, 20), Buffer.from('rewritten'), ...leaves.slice(21)]).source;
    for (let n = 1; n <= 40; n += 1) {
      for (let m = 1; m <= n; m += 1) {
        const proof = consistencyProof(source, m, n);
        const [root1, root2] = [rangeHash(source, 0, m), rangeHash(source, 0, n)];
        expect(verifyConsistency(m, n, root1, root2, proof), `${m} → ${n}`).toBe(true);
        // Leaf 20 rewritten: a tree that had it cannot be extended by the forked history; one that ended before it can.
        const forkedProof = consistencyProof(forked, m, n);
        expect(verifyConsistency(m, n, root1, rangeHash(forked, 0, n), forkedProof), `${m} → forked ${n}`).toBe(m <= 20);
        if (m < n) expect(verifyConsistency(m, n, root1, rangeHash(source, 0, n - 1), proof), `${m} → wrong root`).toBe(false);
      }
    }
  });
});
