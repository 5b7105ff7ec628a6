/**
 * subscribeToAll through the client: catch-up then live, exclusive of the checkpoint, ledger events
 * only (a server-side filter drops system event types, the client-side check also drops anything
 * else in a `$` stream), and one `caught-up` message placed exactly where the server said it.
 */
import { excludeSystemEvents, type AllStreamResolvedEvent, type AllStreamSubscription, type EventStoreDBClient } from '@eventstore/db-client';
import type { GlobalPosition, Subscription, SubscriptionMessage } from '../../../domain/ports/event-store.js';
import { isLedgerEvent, toRecordedEvent } from './event-mapping.js';
import { toReadPosition } from './positions.js';
import { PullQueue } from './pull-queue.js';

export function subscribeToLedgerEvents(
  client: EventStoreDBClient,
  fromPosition: GlobalPosition | 'start',
  onClose: () => void,
): Subscription {
  const upstream = client.subscribeToAll({ fromPosition: toReadPosition(fromPosition), filter: excludeSystemEvents() });
  const queue = new PullQueue<SubscriptionMessage>(upstream);
  let closed = false;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    queue.close();
    onClose();
    await upstream.unsubscribe();
    upstream.destroy();
  };

  relay(upstream, queue, (error) => {
    queue.fail(error);
    void close();
  });

  return {
    [Symbol.asyncIterator]: () => ({
      next: () => queue.next(),
      return: async () => {
        await close();
        return { done: true, value: undefined };
      },
    }),
    close,
  };
}

function relay(upstream: AllStreamSubscription, queue: PullQueue<SubscriptionMessage>, fail: (error: unknown) => void): void {
  let caughtUpSent = false;
  // The client emits 'caughtUp' while it may still hold, undelivered, events it received before it.
  let eventsBeforeCaughtUp: number | undefined;
  const sendCaughtUp = (): void => {
    caughtUpSent = true;
    queue.push({ kind: 'caught-up' });
  };

  upstream.on('data', (resolved: AllStreamResolvedEvent) => {
    try {
      const event = resolved.event;
      if (event !== undefined && isLedgerEvent(event)) queue.push({ kind: 'event', event: toRecordedEvent(event) });
    } catch (error) {
      return fail(error);
    }
    if (eventsBeforeCaughtUp !== undefined && --eventsBeforeCaughtUp === 0) {
      eventsBeforeCaughtUp = undefined;
      sendCaughtUp();
    }
  });
  // Servers from 24.2 on may fall behind and catch up again: the port promises one caught-up.
  upstream.on('caughtUp', () => {
    if (caughtUpSent || eventsBeforeCaughtUp !== undefined) return;
    const undelivered = upstream.readableLength;
    if (undelivered === 0) sendCaughtUp();
    else eventsBeforeCaughtUp = undelivered;
  });
  upstream.on('error', fail);
  upstream.on('end', () => queue.end());
}
