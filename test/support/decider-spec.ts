/**
 * Given events, when a command, then events (or a refusal naming its rule): the unit-test voice for
 * deciders (after emmett's DeciderSpecification).
 */
import * as E from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';
import { fold, type Decider } from '../../domain/shared/decider.js';
import type { DomainError } from '../../domain/shared/errors.js';

export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given: (events: readonly Event[]) => ({
      when: (command: Command) => {
        const result = decider.decide(command, fold(decider, events));
        return {
          then(expected: readonly Event[]): void {
            if (E.isLeft(result)) throw new Error(`expected events, got ${result.left._tag} ${result.left.rule}: ${result.left.detail}`);
            expect(result.right).toEqual(expected);
          },
          thenFails(tag: DomainError['_tag'], rule: string): DomainError {
            if (E.isRight(result)) throw new Error(`expected ${tag} ${rule}, got events ${JSON.stringify(result.right)}`);
            expect({ tag: result.left._tag, rule: result.left.rule }).toEqual({ tag, rule });
            return result.left;
          },
        };
      },
    }),
  };
}
