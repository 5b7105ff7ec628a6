/**
 * Registry change notices: receiving one (recorded durably before anything else), and the two steps
 * the registry reactor runs for it — matching it against the holder's certificates and revoking what
 * the rules say, then recording the outcome and the reply; and flagging a certificate issued later
 * with the data the notice had already changed. Every command has an idempotency key derived from
 * the notice, so running a step again (after a crash) writes nothing new.
 */
import * as E from 'fp-ts/lib/Either.js';
import { recordAccessOnce, subjectAccessStream } from '../access/record-access.js';
import { applicationAggregate } from '../application/aggregate.js';
import { applicationStream } from '../application/decider.js';
import { certificateAggregate } from '../certificate/aggregate.js';
import { certificateStream } from '../certificate/decider.js';
import type { Clock } from '../ports/clock.js';
import type { Actor, EventStore, RecordedEvent } from '../ports/event-store.js';
import type { HolderRefs, IdSource } from '../ports/ids.js';
import type { IssuanceRegister, NoticeIndex, RegisteredCertificate } from '../ports/registers.js';
import { commandContext, type Caller } from '../shared/caller.js';
import { handleCommand, handleEach, load } from '../shared/command-handler.js';
import { policyViolation, type DomainError } from '../shared/errors.js';
import { noticeAggregate } from './aggregate.js';
import { registryChangeReceived, registryChangeStream, type CertificateOutcome, type FourItems, type NoticeKind, type RegistryChangeReceivedData } from './events.js';
import { issuedWithStaleData, planFor, type Candidate, type PlannedCertificate } from './matching.js';

export interface NoticeInput {
  readonly noticeId: string;
  readonly residentRecordCode: string;
  readonly municipalityCode: string;
  readonly kind: NoticeKind;
  readonly removalCause?: 'death' | 'emigration' | 'other';
  readonly before: FourItems;
  readonly after: FourItems | null;
  readonly minor: boolean;
  readonly effectiveDate: string;
  readonly departureDate?: string;
}

/** The consistency a notice must have beyond the shape of each field. */
export function inconsistency(input: NoticeInput): DomainError | undefined {
  if (input.kind === 'removal' && input.after !== null) return policyViolation('notice-inconsistent', 'A removal has no "after" values.', 'after');
  if (input.kind !== 'removal' && input.after === null) return policyViolation('notice-inconsistent', 'Only a removal may have null "after" values.', 'after');
  if (input.removalCause !== undefined && input.kind !== 'removal') return policyViolation('notice-inconsistent', 'A removal cause belongs to a removal only.', 'removalCause');
  if ((input.departureDate !== undefined) !== (input.kind === 'emigration-continued-use')) {
    return policyViolation('notice-inconsistent', 'A departure date belongs to, and is required for, emigration with continued use.', 'departureDate');
  }
  return undefined;
}

export interface Received {
  readonly noticeId: string;
  readonly outcome: 'accepted' | 'duplicate';
  readonly position: bigint;
}

type ReceiveDeps = { readonly store: EventStore; readonly ids: IdSource; readonly clock: Clock; readonly holderRefs: HolderRefs };

export async function receiveNotice(deps: ReceiveDeps, caller: Caller, input: NoticeInput): Promise<E.Either<DomainError, Received>> {
  const [received] = await receiveNotices(deps, [{ caller, input }]);
  return received as E.Either<DomainError, Received>;
}

/**
 * Several notices, each judged on its own exactly as one would be (a bad one never blocks the
 * others), recorded together: on the embedded store one commit for the lot.
 */
export async function receiveNotices(
  deps: ReceiveDeps,
  notices: readonly { readonly caller: Caller; readonly input: NoticeInput }[],
): Promise<E.Either<DomainError, Received>[]> {
  const receivedAt = deps.clock.now().toISOString();
  const refusals = notices.map(({ input }) => inconsistency(input));
  const items = notices.flatMap(({ caller, input }, i) =>
    refusals[i] === undefined
      ? [{ stream: registryChangeStream(input.noticeId), command: { type: 'ReceiveNotice' as const, notice: noticeData(deps, input, receivedAt) }, context: commandContext(caller) }]
      : [],
  );
  const handled = await handleEach(deps, noticeAggregate, items);
  let next = 0;
  return notices.map(({ input }, i) => {
    const refused = refusals[i];
    if (refused !== undefined) return E.left(refused);
    const result = handled[next++] as (typeof handled)[number];
    return E.map((h: { events: readonly unknown[]; position: bigint }) => ({
      noticeId: input.noticeId,
      outcome: h.events.length === 0 ? ('duplicate' as const) : ('accepted' as const),
      position: h.position,
    }))(result);
  });
}

function noticeData(deps: ReceiveDeps, input: NoticeInput, receivedAt: string): RegistryChangeReceivedData {
  return {
    noticeId: input.noticeId,
    holderRef: deps.holderRefs.of(input.residentRecordCode),
    municipalityCode: input.municipalityCode,
    kind: input.kind,
    ...(input.removalCause === undefined ? {} : { removalCause: input.removalCause }),
    minor: input.minor,
    effectiveDate: input.effectiveDate,
    ...(input.departureDate === undefined ? {} : { departureDate: input.departureDate }),
    receivedAt,
    personal: { residentRecordCode: input.residentRecordCode, before: input.before, after: input.after },
  };
}

/** The registry reactor acts as the ledger itself, in the notice's correlation, caused by the notice. */
export const REGISTRY_REACTOR: Actor = { id: 'registry-reactor', role: 'system', organisation: 'issuing-ca' };

function reactorCaller(cause: RecordedEvent, key: string): Caller {
  return { actor: REGISTRY_REACTOR, correlationId: cause.metadata.correlationId, causationId: cause.id, idempotencyKey: key };
}

export interface ReactorDeps {
  readonly store: EventStore;
  readonly ids: IdSource;
  readonly clock: Clock;
  readonly register: IssuanceRegister;
  readonly notices: NoticeIndex;
}

/** The four items a certificate carries: those of its application, as registered. */
async function itemsOf(store: EventStore, certificate: Pick<RegisteredCertificate, 'applicationId' | 'certificateType'>): Promise<FourItems | undefined> {
  if (certificate.certificateType !== 'signing') return undefined;
  const { state } = await load(store, applicationAggregate, applicationStream(certificate.applicationId));
  if (state.status === 'none') return undefined;
  const { name, dateOfBirth, sex, address } = state.facts.personal;
  return { name, dateOfBirth, sex, address };
}

/** Matching compares the register's data with what certificates carry: a handover of personal information, recorded. */
async function recordHandover(deps: ReactorDeps, cause: RecordedEvent, notice: RegistryChangeReceivedData, step: string): Promise<void> {
  await recordAccessOnce(deps, reactorCaller(cause, `registry-change/${notice.noticeId}/${step}`), {
    function: 'registry.matching',
    purpose: 'registry-matching',
    purposeStated: true,
    legalBasis: 'JPKI Act art. 12: change-driven revocation information',
    items: ['name', 'dateOfBirth', 'sex', 'address'],
    holderRef: notice.holderRef,
    municipalityCode: notice.municipalityCode,
    subject: { kind: 'registry-change', id: notice.noticeId },
    recipient: 'registry-matching',
    accessedAt: deps.clock.now().toISOString(),
  }, subjectAccessStream('registry-change', notice.noticeId));
}

async function carryOut(deps: ReactorDeps, cause: RecordedEvent, noticeId: string, planned: PlannedCertificate, now: Date): Promise<{ outcome: CertificateOutcome; effectiveAt?: string }> {
  const action = planned.action;
  if (action.kind === 'none') return { outcome: action.outcome };
  const revoked = await handleCommand(
    deps,
    certificateAggregate,
    certificateStream(planned.serialNumber),
    { type: 'Revoke', reason: action.reason, legalGround: 'registry-change', effectiveAt: action.effectiveAt, now },
    commandContext(reactorCaller(cause, `registry-change/${noticeId}/revoke/${planned.serialNumber}`)),
  );
  if (E.isRight(revoked)) {
    const scheduled = action.effectiveAt.getTime() > now.getTime();
    return { outcome: scheduled ? 'revocation-scheduled' : 'revoked', effectiveAt: action.effectiveAt.toISOString() };
  }
  if (revoked.left.rule === 'already-revoked') return { outcome: 'already-revoked' };
  if (revoked.left.rule === 'certificate-expired') return { outcome: 'expired' };
  throw new Error(`revoking ${planned.serialNumber} for notice ${noticeId} failed: ${revoked.left.rule}`);
}

/** Matches a received notice, revokes what the rules say, and records the outcome with the reply. */
export async function processNotice(deps: ReactorDeps, received: RecordedEvent): Promise<void> {
  const notice = registryChangeReceived.parse({ type: received.type, data: received.data }).data;
  const now = deps.clock.now();
  const registered = deps.register.certificatesOf(notice.holderRef, received.position);
  const candidates: Candidate[] = [];
  for (const certificate of registered) {
    const items = await itemsOf(deps.store, certificate);
    candidates.push({ serialNumber: certificate.serialNumber, certificateType: certificate.certificateType, notAfter: certificate.notAfter, ...(items === undefined ? {} : { items }) });
  }
  if (candidates.some((c) => c.items !== undefined)) await recordHandover(deps, received, notice, 'matching');
  const plan = planFor(notice, candidates, now);
  const certificates = [];
  for (const planned of plan.certificates) {
    const done = await carryOut(deps, received, notice.noticeId, planned, now);
    certificates.push({ serialNumber: planned.serialNumber, certificateType: planned.certificateType, ...done });
  }
  const revoked = certificates.filter((c) => c.outcome === 'revoked' || c.outcome === 'revocation-scheduled').map((c) => c.serialNumber);
  const flagged = certificates.filter((c) => c.outcome === 'discrepancy').map((c) => c.serialNumber);
  const status = candidates.length === 0 ? 'unmatched' : flagged.length > 0 ? 'discrepancy' : revoked.length > 0 ? 'revoked' : 'nothing-to-revoke';
  const recorded = await handleCommand(
    deps,
    noticeAggregate,
    registryChangeStream(notice.noticeId),
    {
      type: 'RecordOutcome',
      processed: { noticeId: notice.noticeId, rule: plan.rule, matched: candidates.length > 0, certificates, processedAt: now.toISOString() },
      reply: { noticeId: notice.noticeId, status, revoked, flagged, repliedAt: now.toISOString() },
    },
    commandContext(reactorCaller(received, `registry-change/${notice.noticeId}/outcome`)),
  );
  if (E.isLeft(recorded)) throw new Error(`recording the outcome of notice ${notice.noticeId} failed: ${recorded.left.rule}`);
}

/** A signing certificate issued after notices about its holder, with data one of them had already changed: flagged on that notice. */
export async function checkIssuedCertificate(deps: ReactorDeps, issued: RecordedEvent): Promise<void> {
  const certificate = issued.data as { serialNumber: string; certificateType: 'signing' | 'user-authentication'; holderRef: string; applicationId: string };
  if (certificate.certificateType !== 'signing') return;
  const noticeIds = deps.notices.noticesOf(certificate.holderRef, issued.position);
  if (noticeIds.length === 0) return;
  const items = await itemsOf(deps.store, certificate);
  for (const noticeId of noticeIds) {
    const { state } = await load(deps.store, noticeAggregate, registryChangeStream(noticeId));
    if (state.status === 'none') continue;
    await recordHandover(deps, issued, state.notice, `stale-check/${certificate.serialNumber}`);
    if (!issuedWithStaleData(state.notice, 'signing', items)) continue;
    const flagged = await handleCommand(
      deps,
      noticeAggregate,
      registryChangeStream(noticeId),
      { type: 'FlagStaleIssuance', serialNumber: certificate.serialNumber, now: deps.clock.now() },
      commandContext(reactorCaller(issued, `registry-change/${noticeId}/stale/${certificate.serialNumber}`)),
    );
    if (E.isLeft(flagged)) throw new Error(`flagging ${certificate.serialNumber} on notice ${noticeId} failed: ${flagged.left.rule}`);
  }
}
