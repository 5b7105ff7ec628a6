/** Reading a notice — the register's personal data included — is a recorded disclosure. */
import * as E from 'fp-ts/lib/Either.js';
import { PERSONAL_ITEMS } from '../access/events.js';
import { recordDisclosure, type AccessDeps } from '../access/read-with-record.js';
import type { Caller } from '../shared/caller.js';
import { load } from '../shared/command-handler.js';
import { notFound, type DomainError } from '../shared/errors.js';
import { historyOf, type HistoryEntry } from '../shared/history.js';
import { noticeAggregate } from './aggregate.js';
import type { NoticeState } from './decide.js';
import { registryChangeStream } from './events.js';

export interface NoticeView {
  readonly state: Exclude<NoticeState, { status: 'none' }>;
  readonly history: readonly HistoryEntry[];
  readonly position: bigint;
}

export async function readNotice(deps: AccessDeps, caller: Caller, noticeId: string, purpose: string | undefined): Promise<E.Either<DomainError, NoticeView>> {
  const { state, recorded } = await load(deps.store, noticeAggregate, registryChangeStream(noticeId));
  if (state.status === 'none') return E.left(notFound('notice-not-found', 'There is no notice with this id.'));
  const recordedAt = await recordDisclosure(deps, caller, purpose, {
    function: 'registry-change.read',
    items: PERSONAL_ITEMS.filter((item) => item !== 'nameKana'),
    holderRef: state.notice.holderRef,
    municipalityCode: state.notice.municipalityCode,
    subject: { kind: 'registry-change', id: noticeId },
  });
  return E.map((position: bigint) => ({ state, history: historyOf(recorded), position }))(recordedAt);
}
