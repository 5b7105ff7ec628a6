/**
 * Group commit for the embedded store: the appends that requests give within one turn of the event
 * loop are committed together, in one transaction (`appendEach`), so twenty counters issuing at once
 * wait for one fsync, not twenty. Each append keeps its own meaning — atomic, checked against its
 * own expected revision, idempotent — and its caller hears of it only once the group is durable.
 * An error that is not about one append's expectation (an event that cannot be sealed, say) fails
 * the group's transaction, which writes nothing; the appends are then given again one caller at a
 * time, so only the one at fault fails. A store that cannot write fails every caller of the group.
 *
 * Only for the embedded store: EventStoreDB commits each append on its own anyway.
 */
import type { Either } from 'fp-ts/lib/Either.js';
import { StoreUnavailable, type AppendRequest, type AppendResult, type EventStore, type WrongExpectedRevision } from '../../domain/ports/event-store.js';
import { appendingThrough } from './appending-through.js';

type Results = Either<WrongExpectedRevision, AppendResult>[];

interface Waiting {
  readonly requests: readonly AppendRequest[];
  readonly resolve: (results: Results) => void;
  readonly reject: (error: unknown) => void;
}

export function groupCommit(inner: EventStore): EventStore {
  let waiting: Waiting[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let scheduled = false;

  async function commit(group: readonly Waiting[]): Promise<void> {
    if (group.length === 0) return;
    if (group.length === 1) {
      const [only] = group as [Waiting];
      await inner.appendEach(only.requests).then(only.resolve, only.reject);
      return;
    }
    let all: Results;
    try {
      all = await inner.appendEach(group.flatMap((w) => w.requests));
    } catch (error) {
      if (error instanceof StoreUnavailable) {
        for (const w of group) w.reject(error);
        return;
      }
      for (const w of group) await inner.appendEach(w.requests).then(w.resolve, w.reject);
      return;
    }
    let next = 0;
    for (const w of group) {
      w.resolve(all.slice(next, next + w.requests.length));
      next += w.requests.length;
    }
  }

  function enqueue(requests: readonly AppendRequest[]): Promise<Results> {
    return new Promise<Results>((resolve, reject) => {
      waiting.push({ requests, resolve, reject });
      if (scheduled) return;
      scheduled = true;
      // After the callbacks of this turn (other requests' appends join), and after the group before.
      setImmediate(() => {
        flushing = flushing.then(() => {
          scheduled = false;
          const group = waiting;
          waiting = [];
          return commit(group);
        });
      });
    });
  }

  return appendingThrough(inner, enqueue);
}
