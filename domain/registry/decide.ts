/**
 * The rules of a notice's record: received once (the same notice again changes nothing, a
 * different one under the same id is refused naming what differs), its outcome and reply recorded
 * once, a later discrepancy flagged once per certificate.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Decider } from '../shared/decider.js';
import { invalidTransition, notFound, type DomainError } from '../shared/errors.js';
import type { RegistryChangeEvent, RegistryChangeReceivedData } from './events.js';

type Processed = Extract<RegistryChangeEvent, { type: 'RegistryChangeProcessed' }>['data'];
type Replied = Extract<RegistryChangeEvent, { type: 'RegistryChangeReplied' }>['data'];

export type NoticeState =
  | { readonly status: 'none' }
  | { readonly status: 'received' | 'processed'; readonly notice: RegistryChangeReceivedData; readonly reply?: Replied; readonly flagged: ReadonlySet<string> };

export type NoticeCommand =
  | { readonly type: 'ReceiveNotice'; readonly notice: RegistryChangeReceivedData }
  | { readonly type: 'RecordOutcome'; readonly processed: Processed; readonly reply: Replied }
  | { readonly type: 'FlagStaleIssuance'; readonly serialNumber: string; readonly now: Date };

/** The fields of two copies of a notice that differ (the receipt instant aside). */
export function differingFields(a: RegistryChangeReceivedData, b: RegistryChangeReceivedData): string[] {
  const fields: string[] = [];
  const flat = (n: RegistryChangeReceivedData): Record<string, unknown> => ({
    residentRecordCode: n.personal.residentRecordCode,
    municipalityCode: n.municipalityCode,
    kind: n.kind,
    removalCause: n.removalCause,
    minor: n.minor,
    effectiveDate: n.effectiveDate,
    departureDate: n.departureDate,
    before: JSON.stringify(n.personal.before),
    after: JSON.stringify(n.personal.after),
  });
  const [x, y] = [flat(a), flat(b)];
  for (const key of Object.keys(x)) if (x[key] !== y[key]) fields.push(key);
  return fields;
}

function decide(command: NoticeCommand, state: NoticeState): E.Either<DomainError, readonly RegistryChangeEvent[]> {
  switch (command.type) {
    case 'ReceiveNotice': {
      if (state.status === 'none') return E.right([{ type: 'RegistryChangeReceived', data: command.notice }]);
      const fields = differingFields(state.notice, command.notice);
      if (fields.length === 0) return E.right([]);
      return E.left(
        invalidTransition('notice-differs', `A notice with this id was already received, with different ${fields.join(', ')}; it stands as first received.`, {
          fields,
        }),
      );
    }
    case 'RecordOutcome':
      if (state.status === 'none') return E.left(notFound('notice-not-found', 'There is no such notice.'));
      if (state.status === 'processed') return E.right([]);
      return E.right([
        { type: 'RegistryChangeProcessed', data: command.processed },
        { type: 'RegistryChangeReplied', data: command.reply },
      ]);
    case 'FlagStaleIssuance':
      if (state.status === 'none') return E.left(notFound('notice-not-found', 'There is no such notice.'));
      if (state.flagged.has(command.serialNumber)) return E.right([]);
      return E.right([
        {
          type: 'RegistryDiscrepancyFlagged',
          data: { noticeId: state.notice.noticeId, serialNumber: command.serialNumber, reason: 'issued-with-stale-data', flaggedAt: command.now.toISOString() },
        },
      ]);
  }
}

function evolve(state: NoticeState, event: RegistryChangeEvent): NoticeState {
  switch (event.type) {
    case 'RegistryChangeReceived':
      return state.status === 'none' ? { status: 'received', notice: event.data, flagged: new Set() } : state;
    case 'RegistryChangeProcessed':
      return state.status === 'none' ? state : { ...state, status: 'processed' };
    case 'RegistryChangeReplied':
      return state.status === 'none' ? state : { ...state, reply: event.data };
    case 'RegistryDiscrepancyFlagged':
      return state.status === 'none' ? state : { ...state, flagged: new Set([...state.flagged, event.data.serialNumber]) };
  }
}

export const noticeDecider: Decider<NoticeCommand, RegistryChangeEvent, NoticeState> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};
