/**
 * Catch-up then live over a log whose positions become visible strictly in order (the embedded
 * store). It reads everything after its last delivered position, says `caught-up` once when a read
 * comes back empty, then sleeps until an append in this process wakes it or the poll interval
 * passes (for appends made by another process on the same file). Because it only ever asks for
 * "after the last position I delivered", there is no gap and no duplicate across the switch.
 */
import type { RecordedEvent, Subscription, SubscriptionMessage } from '../../domain/ports/event-store.js';

export interface PollingSubscriptionOptions {
  /** Exclusive start position. */
  readonly after: number;
  /** Events after the given position, in order; an empty array when there are none yet. */
  readonly readAfter: (position: number) => RecordedEvent[];
  /** Registers a listener called after each local append; returns the unregister function. */
  readonly onAppend: (listener: () => void) => () => void;
  readonly pollIntervalMs: number;
}

export function pollingSubscription(options: PollingSubscriptionOptions): Subscription {
  let closed = false;
  let signals = 0;
  let wake: (() => void) | undefined;
  const unregister = options.onAppend(() => {
    signals += 1;
    wake?.();
  });

  const sleep = (): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, options.pollIntervalMs);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  async function* messages(): AsyncGenerator<SubscriptionMessage> {
    let last = options.after;
    let caughtUp = false;
    try {
      while (!closed) {
        const seen = signals;
        const batch = options.readAfter(last);
        for (const event of batch) {
          last = Number(event.position);
          yield { kind: 'event', event };
          if (closed) return;
        }
        if (batch.length > 0) continue;
        if (!caughtUp) {
          caughtUp = true;
          yield { kind: 'caught-up' };
          continue;
        }
        if (signals === seen) await sleep();
      }
    } finally {
      unregister();
    }
  }

  const iterator = messages();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      closed = true;
      wake?.();
      unregister();
    },
  };
}
