/**
 * The one pipeline every command runs: read the stream, fold it with the decider, decide, append
 * with the revision that was read as the expected revision. A concurrent writer makes the append a
 * Conflict (exactly one of two concurrent commands wins). Event ids derive from the command's
 * idempotency key: when the stream already holds this command's first event, the command was
 * applied before and its events are returned without deciding again.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { z } from 'zod';
import type { Actor, AppendRequest, AppendResult, EventStore, RecordedEvent, WrongExpectedRevision } from '../ports/event-store.js';
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
  /** The stream's revision that `state` stands at. */
  readonly revision: bigint | 'no_stream';
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

/**
 * `loaded`: the stream as the caller already read it (to check who may act, say), instead of
 * reading it again; if it has moved on since, the append is a Conflict, as for any concurrent writer.
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  deps: HandlerDeps,
  aggregate: Aggregate<Command, Event, State>,
  stream: string,
  command: Command | ((state: State) => Command),
  context: CommandContext,
  loaded?: Loaded<State>,
): Promise<E.Either<DomainError, Handled<Event, State>>> {
  const step = plan(deps, aggregate, stream, command, context, loaded ?? (await load(deps.store, aggregate, stream)));
  if (step.kind === 'done') return step.result;
  const { events, ...options } = step.request;
  const appended = await deps.store.append(stream, events, options);
  return finish(aggregate, step, appended);
}

export interface CommandItem<Command, State> {
  readonly stream: string;
  readonly command: Command | ((state: State) => Command);
  readonly context: CommandContext;
  /**
   * The stream as the caller already holds it, instead of reading it: if it has moved on since,
   * the append conflicts (or is found to be a repeat) and the command runs again on what it holds.
   */
  readonly loaded?: Loaded<State>;
}

/**
 * Many commands of one aggregate, each with the result `handleCommand` would give it, their appends
 * given to the store together (`appendEach`: one commit on the embedded store). A command whose
 * append conflicts — another command of the same list, or another writer, got to its stream first —
 * runs again on its own through `handleCommand`, against what its stream now holds.
 */
export async function handleEach<Command, Event extends DomainEvent, State>(
  deps: HandlerDeps,
  aggregate: Aggregate<Command, Event, State>,
  items: readonly CommandItem<Command, State>[],
): Promise<E.Either<DomainError, Handled<Event, State>>[]> {
  return (await handleEachAlongside(deps, aggregate, items, [])).handled;
}

/**
 * `handleEach` with other appends given to the store first, in the same call (one commit on the
 * embedded store): records that must be written no later than the commands' events. Their results
 * come back as the store gave them.
 */
export async function handleEachAlongside<Command, Event extends DomainEvent, State>(
  deps: HandlerDeps,
  aggregate: Aggregate<Command, Event, State>,
  items: readonly CommandItem<Command, State>[],
  alongside: readonly AppendRequest[],
): Promise<{ handled: E.Either<DomainError, Handled<Event, State>>[]; alongside: E.Either<WrongExpectedRevision, AppendResult>[] }> {
  const steps: Step<Event, State>[] = [];
  for (const item of items) steps.push(await planItem(deps, aggregate, item));
  const { appended, alongside: written } = await appendSteps(deps, steps, alongside);
  const out: E.Either<DomainError, Handled<Event, State>>[] = [];
  for (const [i, step] of steps.entries()) out.push(await settle(deps, aggregate, items[i] as CommandItem<Command, State>, step, appended[i]));
  return { handled: out, alongside: written };
}

/** What a command comes to on its stream, as the item holds it or as read now. */
export async function planItem<Command, Event extends DomainEvent, State>(
  deps: HandlerDeps,
  aggregate: Aggregate<Command, Event, State>,
  item: CommandItem<Command, State>,
): Promise<Step<Event, State>> {
  return plan(deps, aggregate, item.stream, item.command, item.context, item.loaded ?? (await load(deps.store, aggregate, item.stream)));
}

/**
 * The appends of planned commands — of one aggregate or several — given to the store together
 * (`appendEach`: one commit on the embedded store), after `alongside`. For each step, the store's
 * result, or undefined where the step had nothing to append.
 */
export async function appendSteps(
  deps: HandlerDeps,
  steps: readonly Step<DomainEvent, unknown>[],
  alongside: readonly AppendRequest[] = [],
): Promise<{ appended: (E.Either<WrongExpectedRevision, AppendResult> | undefined)[]; alongside: E.Either<WrongExpectedRevision, AppendResult>[] }> {
  const requests = steps.flatMap((step) => (step.kind === 'append' ? [step.request] : []));
  const all = await deps.store.appendEach([...alongside, ...requests]);
  let next = alongside.length;
  return { appended: steps.map((step) => (step.kind === 'append' ? all[next++] : undefined)), alongside: all.slice(0, alongside.length) };
}

/**
 * The result `handleCommand` would give a step appended with `appendSteps`. A step whose append
 * conflicted — another command of the same call, or another writer, got to its stream first — runs
 * again on its own through `handleCommand`, against what its stream now holds.
 */
export async function settle<Command, Event extends DomainEvent, State>(
  deps: HandlerDeps,
  aggregate: Aggregate<Command, Event, State>,
  item: CommandItem<Command, State>,
  step: Step<Event, State>,
  appended: E.Either<WrongExpectedRevision, AppendResult> | undefined,
): Promise<E.Either<DomainError, Handled<Event, State>>> {
  if (step.kind === 'done') return step.result;
  if (appended === undefined || E.isLeft(appended)) return handleCommand(deps, aggregate, item.stream, item.command, item.context);
  return finish(aggregate, step, appended);
}

export type Step<Event, State> =
  | { readonly kind: 'done'; readonly result: E.Either<DomainError, Handled<Event, State>> }
  | { readonly kind: 'append'; readonly request: AppendRequest; readonly events: readonly Event[]; readonly state: State };

/** What a command comes to on the stream as loaded: already applied, refused, or events to append. */
function plan<Command, Event extends DomainEvent, State>(
  deps: HandlerDeps,
  aggregate: Aggregate<Command, Event, State>,
  stream: string,
  command: Command | ((state: State) => Command),
  context: CommandContext,
  loaded: Loaded<State>,
): Step<Event, State> {
  const firstId = deps.ids.eventId(context.idempotencyKey, stream, 0);
  const repeatedFrom = loaded.recorded.findIndex((event) => event.id === firstId);
  if (repeatedFrom >= 0) {
    const repeated: RecordedEvent[] = [];
    for (let i = 0; ; i++) {
      const event = loaded.recorded[repeatedFrom + i];
      if (event === undefined || event.id !== deps.ids.eventId(context.idempotencyKey, stream, i)) break;
      repeated.push(event);
    }
    return {
      kind: 'done',
      result: E.right({
        events: repeated.map((event) => aggregate.schema.parse({ type: event.type, data: event.data })),
        state: loaded.state,
        revision: loaded.revision,
        position: repeated[repeated.length - 1]?.position ?? 0n,
      }),
    };
  }
  const decided = aggregate.decider.decide(typeof command === 'function' ? (command as (state: State) => Command)(loaded.state) : command, loaded.state);
  if (E.isLeft(decided)) return { kind: 'done', result: decided };
  const events = decided.right;
  // The hash of the event the command decided after, when it was read here (`loadedAfter` keeps the
  // revision but not the events: then the adapter reads the tip itself).
  const last = loaded.recorded[loaded.recorded.length - 1];
  const tipHash = last !== undefined && last.revision === loaded.revision ? last.metadata.hash : undefined;
  const request: AppendRequest = {
    stream,
    events: events.map((event, index) => ({
      id: deps.ids.eventId(context.idempotencyKey, stream, index),
      type: event.type,
      schemaVersion: aggregate.schemaVersion,
      data: event.data as never,
      metadata: context,
    })),
    expectedRevision: loaded.revision,
    ...(tipHash === undefined ? {} : { expectedHash: tipHash }),
  };
  return { kind: 'append', request, events, state: loaded.state };
}

function finish<Command, Event extends DomainEvent, State>(
  aggregate: Aggregate<Command, Event, State>,
  step: Extract<Step<Event, State>, { kind: 'append' }>,
  appended: E.Either<WrongExpectedRevision, AppendResult>,
): E.Either<DomainError, Handled<Event, State>> {
  if (E.isLeft(appended)) return E.left(conflict(step.request.stream));
  return E.right({
    events: step.events,
    state: step.events.reduce(aggregate.decider.evolve, step.state),
    revision: appended.right.nextExpectedRevision,
    position: appended.right.position,
  });
}

/**
 * The stream as it stands once `handled` ran on `loaded`, for a next command on it without reading
 * it again. Its `recorded` is what was read before: the events `handled` appended carry that
 * command's ids, which a later command (another idempotency key) never looks for. If the stream has
 * moved on meanwhile, the next command's append conflicts and it runs again on a fresh read.
 */
export function loadedAfter<State>(loaded: Loaded<State>, handled: Handled<unknown, State>): Loaded<State> {
  return { state: handled.state, revision: handled.revision, recorded: loaded.recorded };
}
