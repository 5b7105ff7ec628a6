/** What the main thread and its workers (the projection runner's, the registry reactor's) say to each other (structured-clone safe: positions as decimal text). */
import type { Config } from '../../infrastructure/config/config.js';
import type { FoldedEvent } from '../runner.js';

export interface RunnerWorkerData {
  readonly store: Pick<Config, 'dataDir' | 'LEDGER_EVENTSTORE_URL' | 'LEDGER_SQLITE_SYNCHRONOUS'>;
  readonly readModelFile: string;
}

export type ToMain =
  | { readonly kind: 'started'; readonly position: string }
  | { readonly kind: 'folded'; readonly position: string; readonly events: readonly FoldedEvent[] }
  /** A line for the main thread's log: an error, or (`level: 'info'`) that a fault has passed. */
  | { readonly kind: 'error'; readonly level?: 'info'; readonly message: string; readonly details: string };

/** The reactor's worker opens the same two files. */
export type ReactorWorkerData = RunnerWorkerData;

/** To the reactor's worker: the projection runner has folded a batch (the read models it consults moved on). */
export type ToReactor = { readonly kind: 'folded' };

export type FromReactor =
  | { readonly kind: 'started'; readonly position: string }
  /** The reactor has handled the log up to here. */
  | { readonly kind: 'reacted'; readonly position: string }
  /** The reactor appended to the embedded store: the other followers of the log read now. */
  | { readonly kind: 'appended' }
  | { readonly kind: 'error'; readonly level?: 'info'; readonly message: string; readonly details: string };

/**
 * What the main thread needs of a folded batch: the events that name a certificate, each as its
 * type and serial number (the caches over the read models are keyed by serial), not whole events.
 */
export function foldedSummary(events: readonly FoldedEvent[]): FoldedEvent[] {
  const summary: FoldedEvent[] = [];
  for (const event of events) {
    const serialNumber = (event.data as { serialNumber?: unknown }).serialNumber;
    if (typeof serialNumber === 'string') summary.push({ type: event.type, data: { serialNumber } });
  }
  return summary;
}
