/**
 * Records one access to personal information before the response that discloses it is sent: if
 * the record cannot be written, nothing is disclosed.
 */
import type { EventStore } from '../ports/event-store.js';
import type { IdSource } from '../ports/ids.js';
import { formatIsoDate, jstDateOf } from '../shared/calendar.js';
import { commandContext, type Caller } from '../shared/caller.js';
import type { PersonalInformationAccessed } from './events.js';

export const accessStream = (at: Date): string => `access-${formatIsoDate(jstDateOf(at))}`;

/** The stream of the accesses the ledger itself makes for one subject (a registry notice): small, so a step run again can find its record. */
export const subjectAccessStream = (kind: string, id: string): string => `access-${kind}-${id}`;

export async function recordAccess(
  deps: { readonly store: EventStore; readonly ids: IdSource },
  caller: Caller,
  access: PersonalInformationAccessed['data'],
): Promise<bigint> {
  const stream = accessStream(new Date(access.accessedAt));
  const context = commandContext({ ...caller, idempotencyKey: `${caller.idempotencyKey}/access` });
  const appended = await deps.store.append(
    stream,
    [{ id: deps.ids.eventId(context.idempotencyKey, stream, 0), type: 'PersonalInformationAccessed', schemaVersion: 1, data: access as never, metadata: context }],
    { expectedRevision: 'any' },
  );
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
export async function recordAccessOnce(
  deps: { readonly store: EventStore; readonly ids: IdSource },
  caller: Caller,
  access: PersonalInformationAccessed['data'],
  stream: string,
): Promise<bigint> {
  const context = commandContext({ ...caller, idempotencyKey: `${caller.idempotencyKey}/access` });
  const id = deps.ids.eventId(context.idempotencyKey, stream, 0);
  let tip: bigint | 'no_stream' = 'no_stream';
  for await (const event of deps.store.readStream(stream)) {
    if (event.id === id) return event.position;
    tip = event.revision;
  }
  const appended = await deps.store.append(stream, [{ id, type: 'PersonalInformationAccessed', schemaVersion: 1, data: access as never, metadata: context }], {
    expectedRevision: tip,
  });
  if (appended._tag === 'Left') throw new Error(`another writer appended to ${stream} at the same time; the step is run again`);
  return appended.right.position;
}
