/**
 * Who gives a command, and the one authorisation rule the domain owns: a municipal clerk acts only
 * for their own municipality. (Which roles may use a route at all is declared on the route.)
 */
import type { Actor } from '../ports/event-store.js';
import { forbidden, type DomainError } from './errors.js';

export interface Caller {
  readonly actor: Actor;
  /** The 6-digit local government code of municipal staff. */
  readonly municipality?: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly idempotencyKey: string;
}

export function mayActFor(caller: Caller, municipalityCode: string): DomainError | undefined {
  if (caller.actor.role !== 'municipal-clerk' || caller.municipality === municipalityCode) return undefined;
  return forbidden('other-municipality', 'A municipal clerk may act only for their own municipality.');
}

export function commandContext(caller: Caller) {
  const { actor, correlationId, causationId, idempotencyKey } = caller;
  return { actor, correlationId, causationId, idempotencyKey };
}
