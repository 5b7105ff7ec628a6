import { takeTurnIfDue } from './fair-turns.js';

/**
 * An async iterable served from synchronously fetched batches. Hand-written rather than an async
 * generator: a generator's `yield` awaits each value, one more microtask per event, which costs
 * about a fifth of read throughput (docs/performance.md). Between batches it yields to the event
 * loop, so a long read does not starve other work. A batch marked `last` ends the read without
 * another fetch — and without that turn of the event loop, which a short read (a stream of a few
 * events, loaded by every command) would otherwise pay for nothing; a read still gives the event
 * loop a turn first when the synchronous work before it has gone on for a while (`fair-turns.ts`).
 */
export function batchedIterable<T>(nextBatch: () => { readonly items: readonly T[]; readonly last: boolean } | undefined): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      let batch: readonly T[] = [];
      let index = 0;
      let finished = false;
      let first = true;
      return {
        async next(): Promise<IteratorResult<T>> {
          while (index >= batch.length) {
            if (finished) return { done: true, value: undefined };
            if (!first) await new Promise<void>((resolve) => setImmediate(resolve));
            else await takeTurnIfDue();
            first = false;
            const fetched = nextBatch();
            if (fetched === undefined || fetched.items.length === 0) {
              finished = true;
              return { done: true, value: undefined };
            }
            batch = fetched.items;
            finished = fetched.last;
            index = 0;
          }
          return { done: false, value: batch[index++] as T };
        },
        async return(): Promise<IteratorResult<T>> {
          finished = true;
          batch = [];
          return { done: true, value: undefined };
        },
      };
    },
  };
}
