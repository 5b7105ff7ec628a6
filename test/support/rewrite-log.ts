/**
 * An attacker with write access to the database and the ledger's code, but not its sealing key:
 * reads every event of one embedded store and writes the events that `transform` keeps into a fresh
 * store file, which recomputes every hash, stream chain, global chain and the log head — a rewrite
 * the chains alone cannot tell from the real thing.
 */
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { fixedClock, systemClock } from './clocks.js';
import { collect } from './event-store-contract.js';

export async function rewriteLog(from: string, to: string, transform: (events: RecordedEvent[]) => RecordedEvent[]): Promise<void> {
  const source = new SqliteEventStore({ file: from, clock: systemClock, synchronous: 'NORMAL' });
  // Plain copies (the store's events read their metadata lazily), for the transform to spread.
  const read = (await collect(source.readAll())).map((e) => ({ id: e.id, stream: e.stream, revision: e.revision, position: e.position, type: e.type, data: e.data, metadata: e.metadata }));
  const events = transform(read);
  await source.close();
  // Each event keeps the instant it was first recorded at, so an untouched event hashes as before.
  const clock = fixedClock('2000-01-01T00:00:00.000Z');
  const target = new SqliteEventStore({ file: to, clock, synchronous: 'NORMAL' });
  for (const event of events) {
    clock.set(event.metadata.recordedAt);
    const { actor, correlationId, causationId, idempotencyKey } = event.metadata;
    await target.append(
      event.stream,
      [{ id: event.id, type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data, metadata: { actor, correlationId, causationId, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) } }],
      { expectedRevision: 'any' },
    );
  }
  await target.close();
}
