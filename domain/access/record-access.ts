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
