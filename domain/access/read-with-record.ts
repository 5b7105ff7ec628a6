/**
 * The one place every read of personal information goes through: it resolves the purpose, records
 * the access, and only then hands the data back.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/event-store.js';
import type { IdSource } from '../ports/ids.js';
import type { Caller } from '../shared/caller.js';
import { policyViolation, type DomainError } from '../shared/errors.js';
import type { Role } from '../shared/roles.js';
import type { PersonalInformationAccessed, PersonalItem } from './events.js';
import { choosePurpose, type Purpose } from './purposes.js';
import { recordAccess } from './record-access.js';

export interface AccessDeps {
  readonly store: EventStore;
  readonly ids: IdSource;
  readonly clock: Clock;
  readonly purposes: readonly Purpose[];
}

export interface Disclosure {
  readonly function: string;
  readonly items: readonly PersonalItem[];
  readonly holderRef: string;
  readonly municipalityCode: string;
  readonly subject: { readonly kind: 'application' | 'certificate' | 'registry-change'; readonly id: string };
}

/** The access a disclosure to the caller is, for the purpose they stated (or their role's default duty). */
export function disclosureAccess(
  deps: AccessDeps,
  caller: Caller,
  requestedPurpose: string | undefined,
  disclosure: Disclosure,
): E.Either<DomainError, PersonalInformationAccessed['data']> {
  const choice = choosePurpose(deps.purposes, caller.actor.role as Role, requestedPurpose);
  if (!choice.ok) return E.left(policyViolation('purpose-not-allowed', `The purpose must be one of ${choice.allowed.join(', ')}.`, 'purpose'));
  return E.right({
    function: disclosure.function,
    purpose: choice.purpose.name,
    purposeStated: choice.stated,
    legalBasis: choice.purpose.legalBasis,
    items: [...disclosure.items],
    holderRef: disclosure.holderRef,
    municipalityCode: disclosure.municipalityCode,
    subject: disclosure.subject,
    recipient: caller.actor.organisation,
    accessedAt: deps.clock.now().toISOString(),
  });
}

export async function recordDisclosure(
  deps: AccessDeps,
  caller: Caller,
  requestedPurpose: string | undefined,
  disclosure: Disclosure,
): Promise<E.Either<DomainError, bigint>> {
  const access = disclosureAccess(deps, caller, requestedPurpose, disclosure);
  return E.isLeft(access) ? access : E.right(await recordAccess(deps, caller, access.right));
}
