/**
 * Records one access to personal information before the response that discloses it is sent: if
 * the record cannot be written, nothing is disclosed.
 */
import type { Either } from 'fp-ts/lib/Either.js';
import type { AppendRequest, AppendResult, EventStore, NewEvent, WrongExpectedRevision } from '../ports/event-store.js';
import type { IdSource } from '../ports/ids.js';
import { formatIsoDate, jstDateOf } from '../shared/calendar.js';
import { commandContext, type Caller } from '../shared/caller.js';
import type { PersonalInformationAccessed } from './events.js';

export const accessStream = (at: Date): string => `access-${formatIsoDate(jstDateOf(at))}`;

/** The stream of the accesses the ledger itself makes for one subject (a registry notice): small, so a step run again can find its record. */
export const subjectAccessStream = (kind: string, id: string): string => `access-${kind}-${id}`;

type AccessDeps = { readonly store: EventStore; readonly ids: IdSource };

/** The access record a caller's request leaves on `stream`: its id follows from the request's idempotency key. */
function accessRecord(deps: AccessDeps, caller: Caller, access: PersonalInformationAccessed['data'], stream: string): NewEvent {
  const context = commandContext({ ...caller, idempotencyKey: `${caller.idempotencyKey}/access` });
  return { id: deps.ids.eventId(context.idempotencyKey, stream, 0), type: 'PersonalInformationAccessed', schemaVersion: 1, data: access as never, metadata: context };
}

/** The append that records an access on its day's stream (expected revision any: it cannot conflict). */
export function accessRequest(deps: AccessDeps, caller: Caller, access: PersonalInformationAccessed['data']): AppendRequest {
  const stream = accessStream(new Date(access.accessedAt));
  return { stream, events: [accessRecord(deps, caller, access, stream)], expectedRevision: 'any' };
}

export async function recordAccess(deps: AccessDeps, caller: Caller, access: PersonalInformationAccessed['data']): Promise<bigint> {
  const { stream, events, expectedRevision } = accessRequest(deps, caller, access);
  const appended = await deps.store.append(stream, events, { expectedRevision });
  if (appended._tag === 'Left') throw new Error('an access record with expected revision any cannot conflict');
  return appended.right.position;
}

/**
 * Records an access made by a step that may run again (a reactor after a crash), exactly once: on
 * the subject's own small stream, where the record of an earlier run is found by its event id, so
 * running the step again writes nothing — at any hour, whatever was recorded elsewhere meanwhile.
 * (On the day's stream an append with expected revision `any` is only recognised as a repeat while
 * it is still the stream's last event.)
 */
export async function recordAccessOnce(deps: AccessDeps, caller: Caller, access: PersonalInformationAccessed['data'], stream: string): Promise<bigint> {
  const [position] = await recordAccessesOnce(deps, [{ caller, access, stream }]);
  return position as bigint;
}

export interface OnceAccess {
  readonly caller: Caller;
  readonly access: PersonalInformationAccessed['data'];
  /** The subject's own stream; each access of one call on a stream of its own. */
  readonly stream: string;
}

/** Each access offered as its subject stream's first event (see `recordAccessesOnce`). */
export function accessOffers(deps: AccessDeps, accesses: readonly OnceAccess[]): AppendRequest[] {
  return accesses.map(({ caller, access, stream }) => ({ stream, events: [accessRecord(deps, caller, access, stream)], expectedRevision: 'no_stream' as const }));
}

/**
 * Several `recordAccessOnce`, the new records given to the store together (one commit on the
 * embedded store). Most subjects' streams do not exist yet, so each record is first offered as
 * its stream's first event (the store recognises a repeat of that by its id); only where the
 * stream holds something else is it read, to find an earlier record or its tip. A caller that
 * appended the offers itself (with other writes, `handleEachAlongside`) passes them with their results.
 */
export async function recordAccessesOnce(
  deps: AccessDeps,
  accesses: readonly OnceAccess[],
  offered?: { readonly offers: readonly AppendRequest[]; readonly results: readonly Either<WrongExpectedRevision, AppendResult>[] },
): Promise<bigint[]> {
  const offers = offered?.offers ?? accessOffers(deps, accesses);
  const results = offered?.results ?? (await deps.store.appendEach(offers));
  const positions: (bigint | undefined)[] = results.map((result) => (result._tag === 'Right' ? result.right.position : undefined));
  const requests: AppendRequest[] = [];
  const pending: number[] = [];
  for (const [i, result] of results.entries()) {
    if (result._tag === 'Right') continue;
    const { stream, events } = offers[i] as AppendRequest;
    const record = events[0] as NewEvent;
    let tip: bigint | 'no_stream' = 'no_stream';
    for await (const event of deps.store.readStream(stream)) {
      if (event.id === record.id) positions[i] = event.position;
      tip = event.revision;
    }
    if (positions[i] === undefined) {
      requests.push({ stream, events: [record], expectedRevision: tip });
      pending.push(i);
    }
  }
  const retried = await deps.store.appendEach(requests);
  for (const [k, result] of retried.entries()) {
    if (result._tag === 'Left') throw new Error(`another writer appended to ${(requests[k] as AppendRequest).stream} at the same time; the step is run again`);
    positions[pending[k] as number] = result.right.position;
  }
  return positions as bigint[];
}
