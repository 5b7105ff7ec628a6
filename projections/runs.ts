/**
 * Runs of an async sequence: each run starts with the next item (waited for) and goes on with the
 * items that are already there — those the source hands over before the event loop's next turn —
 * up to `max`. A consumer that acts on a run at once pays per run what it would pay per item; while
 * items trickle in, runs are single items and nothing waits longer than it would have.
 */
const TURN = Symbol('turn');

export async function* runsOf<T>(source: AsyncIterable<T>, max: number): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  // A pull left pending when the consumer stops must not become an unhandled rejection.
  const pull = (): Promise<IteratorResult<T>> => {
    const next = iterator.next();
    next.catch(() => undefined);
    return next;
  };
  let pending = pull();
  for (;;) {
    const first = await pending;
    if (first.done === true) return;
    const run = [first.value];
    pending = pull();
    const turn = new Promise<typeof TURN>((resolve) => setImmediate(() => resolve(TURN)));
    while (run.length < max) {
      const next = await Promise.race([pending, turn]);
      if (next === TURN) break;
      if (next.done === true) {
        yield run;
        return;
      }
      run.push(next.value);
      pending = pull();
    }
    yield run;
  }
}
