import type { RecordedEvent } from '../ports/event-store.js';

/** One event of a stream as readers see it: positions and revisions as decimal strings. */
export interface HistoryEntry {
  readonly revision: string;
  readonly position: string;
  readonly type: string;
  readonly recordedAt: string;
  readonly actor: { readonly id: string; readonly role: string; readonly organisation: string };
  readonly data: unknown;
}

export function historyOf(recorded: readonly RecordedEvent[]): HistoryEntry[] {
  return recorded.map((event) => ({
    revision: event.revision.toString(),
    position: event.position.toString(),
    type: event.type,
    recordedAt: event.metadata.recordedAt,
    actor: event.metadata.actor,
    data: event.data,
  }));
}
