/**
 * The rows this connection committed last, kept so that live subscribers in the same process take
 * what was just appended from memory instead of reading it back from the file. In the registry
 * benchmark the runner's and the reactor's live reads — tens of thousands of queries returning one
 * to a few rows, and as many returning none — were ~12% of the process (docs/performance.md).
 *
 * Memory answers only what it can prove complete:
 * - rows at consecutive positions, because positions are dense and handed out under the write lock
 *   (an append whose first position does not follow the last held row starts the tail afresh: some
 *   other connection wrote in between);
 * - "nothing after the last held row" only while the file's `data_version` is still the one read
 *   inside the transaction that wrote that row: SQLite changes it for this connection whenever
 *   another connection (the `ledger` CLI, another process) commits. Anything else goes to the file.
 */
import type { EventRow } from './rows.js';

export class LocalTail {
  private rows: EventRow[] = [];
  /** Index in `rows` of the first row still held. */
  private offset = 0;
  /** Position of `rows[offset]`. */
  private start = 0;
  /** `data_version` read inside the transaction that wrote the last held row. */
  private version = 0;

  constructor(private readonly capacity: number) {}

  /** Rows just committed at consecutive positions, by the transaction that read `version`. */
  extend(committed: readonly EventRow[], version: number): void {
    const first = committed[0];
    if (first === undefined) return;
    if (this.held() === 0 || first[0] !== this.start + this.held()) this.reset(first[0]);
    for (const row of committed) this.rows.push(row);
    this.version = version;
    const excess = this.held() - this.capacity;
    if (excess > 0) {
      this.offset += excess;
      this.start += excess;
    }
    // Drop the released prefix now and then rather than shifting the array on every append.
    if (this.offset > this.capacity) {
      this.rows = this.rows.slice(this.offset);
      this.offset = 0;
    }
  }

  /** Forget everything (nobody is following the log, so nobody needs it). */
  clear(): void {
    this.reset(0);
  }

  /**
   * Up to `limit` rows after `position`, `[]` when provably there are none, or undefined when only
   * the file can say. `currentVersion` reads the file's data_version now.
   */
  after(position: number, limit: number, currentVersion: () => number): EventRow[] | undefined {
    const held = this.held();
    if (held === 0) return undefined;
    const end = this.start + held - 1;
    if (position + 1 >= this.start && position < end) {
      const from = this.offset + (position + 1 - this.start);
      return this.rows.slice(from, Math.min(from + limit, this.offset + held));
    }
    if (position === end && currentVersion() === this.version) return [];
    return undefined;
  }

  private held(): number {
    return this.rows.length - this.offset;
  }

  private reset(start: number): void {
    this.rows = [];
    this.offset = 0;
    this.start = start;
  }
}
