/**
 * A read model: a fold over events into tables of the read-model database. The runner calls
 * `apply` inside the transaction that also moves the projection's checkpoint, so an event is
 * applied exactly once across crashes and restarts.
 */
import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../domain/ports/event-store.js';

export interface Projection {
  readonly name: string;
  /** Bumped whenever its tables change shape or meaning: a read model of another version is rebuilt from the log. */
  readonly version: number;
  /** Event types it folds (`all` for every event); others are skipped without touching its tables. */
  readonly handles: ReadonlySet<string> | 'all';
  /** Creates its tables and indexes if they do not exist. */
  init(db: Database): void;
  /** Folds one event (inside the runner's transaction). */
  apply(db: Database, event: RecordedEvent): void;
  /**
   * Folds the events of one batch that it handles, in order (inside the runner's transaction), when
   * it can do that cheaper than one `apply` each; the same tables as `apply` one by one.
   */
  applyAll?(db: Database, events: readonly RecordedEvent[]): void;
  /** Drops what it built, for a rebuild from the start of the log. */
  reset(db: Database): void;
}

export function folds(projection: Projection, type: string): boolean {
  return projection.handles === 'all' || projection.handles.has(type);
}
