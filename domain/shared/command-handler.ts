/**
 * The one pipeline every command runs: read the stream, fold it with the decider, decide, append
 * with the revision that was read as the expected revision. A concurrent writer makes the append a
 * Conflict (exactly one of two concurrent commands wins). Event ids derive from the command's
 * idempotency key: when the stream already holds this command's first event, the command was
 * applied before and its events are returned without deciding again.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { z } from 'zod';
import type { Actor, EventStore, RecordedEvent } from '../ports/event-store.js';
import type { IdSource } from '../ports/ids.js';
import { fold, type Decider } from './decider.js';
import { conflict, type DomainError } from './errors.js';

export interface DomainEvent {
  readonly type: string;
  readonly data: object;
}

export interface CommandContext {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string;
  readonly idempotencyKey: string;
}

export interface Aggregate<Command, Event extends DomainEvent, State> {
  readonly decider: Decider<Command, Event, State>;
  /** Validates events read back from the store (the same schemas that define them). */
  readonly schema: z.ZodType<Event>;
  readonly schemaVersion: number;
}

export interface Loaded<State> {
  readonly state: State;
  readonly revision: bigint | 'no_stream';
  readonly recorded: readonly RecordedEvent[];
}

export interface Handled<Event, State> {
  readonly events: readonly Event[];
  readonly state: State;
  /** Global position of the last event written (or found, for a repeated command). */
  readonly position: bigint;
}

export interface HandlerDeps {
  readonly store: EventStore;
  readonly ids: IdSource;
}

export async function load<Command, Event extends DomainEvent, State>(
  store: EventStore,
  aggregate: Aggregate<Command, Event, State>,
  stream: string,
): Promise<Loaded<State>> {
  const recorded: RecordedEvent[] = [];
  for await (const event of store.readStream(stream)) recorded.push(event);
  const events = recorded.map((event) => aggregate.schema.parse({ type: event.type, data: event.data }));
  const last = recorded[recorded.length - 1];
  return { state: fold(aggregate.decider, events), revision: last === undefined ? 'no_stream' : last.revision, recorded };
}

export async function handleCommand<Command, Event extends DomainEvent, State>(
  deps: HandlerDeps,
  aggregate: Aggregate<Command, Event, State>,
  stream: string,
  command: Command | ((state: State) => Command),
  context: CommandContext,
): Promise<E.Either<DomainError, Handled<Event, State>>> {
  const loaded = await load(deps.store, aggregate, stream);
  const firstId = deps.ids.eventId(context.idempotencyKey, stream, 0);
  const repeatedFrom = loaded.recorded.findIndex((event) => event.id === firstId);
  if (repeatedFrom >= 0) {
    const repeated: RecordedEvent[] = [];
    for (let i = 0; ; i++) {
      const event = loaded.recorded[repeatedFrom + i];
      if (event === undefined || event.id !== deps.ids.eventId(context.idempotencyKey, stream, i)) break;
      repeated.push(event);
    }
    return E.right({
      events: repeated.map((event) => aggregate.schema.parse({ type: event.type, data: event.data })),
      state: loaded.state,
      position: repeated[repeated.length - 1]?.position ?? 0n,
    });
  }
  const decided = aggregate.decider.decide(typeof command === 'function' ? (command as (state: State) => Command)(loaded.state) : command, loaded.state);
  if (E.isLeft(decided)) return decided;
  const events = decided.right;
  const appended = await deps.store.append(
    stream,
    events.map((event, index) => ({
      id: deps.ids.eventId(context.idempotencyKey, stream, index),
      type: event.type,
      schemaVersion: aggregate.schemaVersion,
      data: event.data as never,
      metadata: context,
    })),
    { expectedRevision: loaded.revision },
  );
  if (E.isLeft(appended)) return E.left(conflict(stream));
  return E.right({ events, state: events.reduce(aggregate.decider.evolve, loaded.state), position: appended.right.position });
}
