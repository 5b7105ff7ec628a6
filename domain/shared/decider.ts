/**
 * A decider is only a record of three functions (emmett's shape): `decide` turns a command and the
 * current state into events or a domain error, `evolve` folds one event into the state, and
 * `initialState` starts the fold. All three are pure: time, ids and signed artefacts arrive inside
 * the command.
 */
import type { Either } from 'fp-ts/lib/Either.js';
import type { DomainError } from './errors.js';

export interface Decider<Command, Event, State> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
  readonly decide: (command: Command, state: State) => Either<DomainError, readonly Event[]>;
}

export function fold<Event, State>(decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>, events: readonly Event[]): State {
  return events.reduce(decider.evolve, decider.initialState());
}
