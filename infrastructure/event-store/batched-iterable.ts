/**
 * An async iterable served from synchronously fetched batches. Hand-written rather than an async
 * generator: a generator's `yield` awaits each value, one more microtask per event, which costs
 * about a fifth of read throughput (docs/performance.md). Between batches it yields to the event
 * loop, so a long read does not starve other work.
 */
export function batchedIterable<T>(nextBatch: () => readonly T[] | undefined): AsyncIterable<T> {
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
            first = false;
            const fetched = nextBatch();
            if (fetched === undefined || fetched.length === 0) {
              finished = true;
              return { done: true, value: undefined };
            }
            batch = fetched;
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
