/**
 * The Merkle tree over the global order (RFC 9162), as a read model: leaf i is the hash of the i-th
 * event of the log. Every perfect subtree above the leaves is stored as it completes (a leaf's own
 * hash is computed from its row), so a root of any size, an inclusion proof or a consistency proof
 * costs O(log n) lookups; the leaf table maps leaf index to global position (EventStoreDB positions
 * are not dense). A batch is folded from the tree's right edge, read once per batch.
 */
import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { consistencyProof, inclusionProof, leafHash, MerkleFrontier, rangeHash, type Hash, type SubtreeSource } from '../../infrastructure/audit/merkle.js';
import { prepared } from '../prepared.js';
import type { Projection } from '../projection.js';

const DDL = `
CREATE TABLE IF NOT EXISTS merkle_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS merkle_leaves (idx INTEGER PRIMARY KEY, position TEXT NOT NULL UNIQUE, event_hash TEXT NOT NULL);
`;

const SQL = {
  size: 'SELECT COALESCE(MAX(idx) + 1, 0) AS size FROM merkle_leaves',
  node: 'SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?',
  insertNode: 'INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)',
  insertLeaf: 'INSERT INTO merkle_leaves (idx, position, event_hash) VALUES (?, ?, ?)',
  byPosition: 'SELECT idx, event_hash FROM merkle_leaves WHERE position = ?',
  byIndex: 'SELECT position, event_hash FROM merkle_leaves WHERE idx = ?',
};

function sizeOf(db: Database): number {
  return (prepared(db, SQL.size).get() as { size: number }).size;
}

/** The perfect subtree of 2^level leaves at `index`; at level 0 the leaf hash of the leaf's row. */
function nodeOf(db: Database, level: number, index: number): Hash {
  if (level === 0) {
    const leaf = prepared(db, SQL.byIndex).get(index) as { event_hash: string } | undefined;
    if (leaf === undefined) throw new Error(`merkle leaf ${index} is not stored`);
    return leafHash(Buffer.from(leaf.event_hash, 'hex'));
  }
  const row = prepared(db, SQL.node).get(level, index) as { hash: Buffer } | undefined;
  if (row === undefined) throw new Error(`merkle subtree ${level}/${index} is not stored`);
  return row.hash;
}

function appendLeaves(db: Database, events: readonly RecordedEvent[]): void {
  if (events.length === 0) return;
  const frontier = MerkleFrontier.restore(sizeOf(db), { perfect: (level, index) => nodeOf(db, level, index) });
  const insertLeaf = prepared(db, SQL.insertLeaf);
  const insertNode = prepared(db, SQL.insertNode);
  const completed = (level: number, index: number, hash: Hash): void => {
    if (level > 0) insertNode.run(level, index, hash);
  };
  for (const event of events) {
    insertLeaf.run(frontier.size, event.position.toString(), event.metadata.hash);
    frontier.append(Buffer.from(event.metadata.hash, 'hex'), completed);
  }
}

export const merkleLogProjection: Projection = {
  name: 'merkle-log',
  // 2: level-0 nodes are no longer stored (computed from the leaf rows).
  version: 2,
  handles: 'all',
  init: (db) => db.exec(DDL),
  reset: (db) => db.exec('DROP TABLE IF EXISTS merkle_nodes; DROP TABLE IF EXISTS merkle_leaves;'),
  apply: (db, event) => appendLeaves(db, [event]),
  applyAll: appendLeaves,
};

export interface LeafRecord {
  readonly index: number;
  readonly position: bigint;
  readonly eventHash: string;
}

export class MerkleLog implements SubtreeSource {
  constructor(private readonly db: Database) {}

  /** Events folded into the tree so far. */
  size(): number {
    return sizeOf(this.db);
  }

  perfect(level: number, index: number): Hash {
    return nodeOf(this.db, level, index);
  }

  root(size: number): Hash {
    return rangeHash(this, 0, size);
  }

  leafAtPosition(position: bigint): LeafRecord | undefined {
    const row = prepared(this.db, SQL.byPosition).get(position.toString()) as { idx: number; event_hash: string } | undefined;
    return row === undefined ? undefined : { index: row.idx, position, eventHash: row.event_hash };
  }

  leafAt(index: number): LeafRecord | undefined {
    const row = prepared(this.db, SQL.byIndex).get(index) as { position: string; event_hash: string } | undefined;
    return row === undefined ? undefined : { index, position: BigInt(row.position), eventHash: row.event_hash };
  }

  /** Read in one snapshot: a proof never mixes two sizes of the tree, even with another process folding. */
  inclusion(index: number, size: number): Hash[] {
    return this.db.transaction(() => inclusionProof(this, index, size))();
  }

  consistency(from: number, to: number): Hash[] {
    return this.db.transaction(() => consistencyProof(this, from, to))();
  }
}
