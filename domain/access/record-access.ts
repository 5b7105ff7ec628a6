/**
 * Records one access to personal information before the response that discloses it is sent: if
 * the record cannot be written, nothing is disclosed.
 */
import type { AppendRequest, EventStore, NewEvent } from '../ports/event-store.js';
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

export async function recordAccess(deps: AccessDeps, caller: Caller, access: PersonalInformationAccessed['data']): Promise<bigint> {
  const stream = accessStream(new Date(access.accessedAt));
  const appended = await deps.store.append(stream, [accessRecord(deps, caller, access, stream)], { expectedRevision: 'any' });
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

/** Several `recordAccessOnce`, the new records given to the store together (one commit on the embedded store). */
export async function recordAccessesOnce(deps: AccessDeps, accesses: readonly OnceAccess[]): Promise<bigint[]> {
  const positions: (bigint | undefined)[] = [];
  const requests: AppendRequest[] = [];
  for (const { caller, access, stream } of accesses) {
    const record = accessRecord(deps, caller, access, stream);
    let tip: bigint | 'no_stream' = 'no_stream';
    let found: bigint | undefined;
    for await (const event of deps.store.readStream(stream)) {
      if (event.id === record.id) found = event.position;
      tip = event.revision;
    }
    positions.push(found);
    if (found === undefined) requests.push({ stream, events: [record], expectedRevision: tip });
  }
  const appended = await deps.store.appendEach(requests);
  let next = 0;
  return positions.map((found) => {
    if (found !== undefined) return found;
    const result = appended[next] as (typeof appended)[number];
    const stream = (requests[next++] as AppendRequest).stream;
    if (result._tag === 'Left') throw new Error(`another writer appended to ${stream} at the same time; the step is run again`);
    return result.right.position;
  });
}
