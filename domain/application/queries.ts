/** Reading an application with its full history: a disclosure of personal information, recorded first. */
import * as E from 'fp-ts/lib/Either.js';
import { recordDisclosure, type AccessDeps } from '../access/read-with-record.js';
import { PERSONAL_ITEMS } from '../access/events.js';
import { mayActFor, type Caller } from '../shared/caller.js';
import { load } from '../shared/command-handler.js';
import { notFound, type DomainError } from '../shared/errors.js';
import { historyOf, type HistoryEntry } from '../shared/history.js';
import { applicationAggregate } from './aggregate.js';
import { applicationStream } from './decider.js';
import type { ApplicationState } from './state.js';

export interface ApplicationView {
  readonly state: Exclude<ApplicationState, { status: 'none' }>;
  readonly history: readonly HistoryEntry[];
  /** The position of the access record this read left. */
  readonly position: bigint;
}

export async function readApplication(
  deps: AccessDeps,
  caller: Caller,
  applicationId: string,
  purpose: string | undefined,
): Promise<E.Either<DomainError, ApplicationView>> {
  const { state, recorded } = await load(deps.store, applicationAggregate, applicationStream(applicationId));
  if (state.status === 'none') return E.left(notFound('application-not-found', 'There is no such application.'));
  const refused = mayActFor(caller, state.facts.municipalityCode);
  if (refused !== undefined) return E.left(refused);
  const recordedAt = await recordDisclosure(deps, caller, purpose, {
    function: 'application.read',
    items: PERSONAL_ITEMS,
    holderRef: state.facts.holderRef,
    municipalityCode: state.facts.municipalityCode,
    subject: { kind: 'application', id: applicationId },
  });
  return E.map((position: bigint) => ({ state, history: historyOf(recorded), position }))(recordedAt);
}
