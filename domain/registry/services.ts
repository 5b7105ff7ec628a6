/**
 * Registry change notices: receiving one (recorded durably before anything else), and the two steps
 * the registry reactor runs for it — matching it against the holder's certificates and revoking what
 * the rules say, then recording the outcome and the reply; and flagging a certificate issued later
 * with the data the notice had already changed. Every command has an idempotency key derived from
 * the notice, so running a step again (after a crash) writes nothing new.
 */
import * as E from 'fp-ts/lib/Either.js';
import { accessOffers, recordAccessesOnce, recordAccessOnce, subjectAccessStream, type OnceAccess } from '../access/record-access.js';
import { applicationAggregate } from '../application/aggregate.js';
import { applicationStream } from '../application/decider.js';
import { certificateAggregate } from '../certificate/aggregate.js';
import { certificateStream } from '../certificate/decider.js';
import type { Clock } from '../ports/clock.js';
import type { Actor, EventStore, RecordedEvent } from '../ports/event-store.js';
import type { HolderRefs, IdSource } from '../ports/ids.js';
import type { IssuanceRegister, NoticeIndex, RegisteredCertificate } from '../ports/registers.js';
import { commandContext, type Caller } from '../shared/caller.js';
import { handleCommand, handleEach, handleEachAlongside, load, type Loaded } from '../shared/command-handler.js';
import { fold } from '../shared/decider.js';
import { isoDateOfBirthRefusal } from '../shared/date-of-birth.js';
import { policyViolation, type DomainError } from '../shared/errors.js';
import { noticeAggregate } from './aggregate.js';
import type { NoticeState } from './decide.js';
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

/** The consistency a notice must have beyond the shape of each field, as received at `now`. */
export function inconsistency(input: NoticeInput, now: Date): DomainError | undefined {
  const dateOfBirth =
    isoDateOfBirthRefusal(input.before.dateOfBirth, now, 'before.dateOfBirth') ??
    (input.after === null ? undefined : isoDateOfBirthRefusal(input.after.dateOfBirth, now, 'after.dateOfBirth'));
  if (dateOfBirth !== undefined) return dateOfBirth;
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
  const now = deps.clock.now();
  const receivedAt = now.toISOString();
  const refusals = notices.map(({ input }) => inconsistency(input, now));
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
function handover(deps: ReactorDeps, cause: RecordedEvent, notice: RegistryChangeReceivedData, step: string): OnceAccess {
  return {
    caller: reactorCaller(cause, `registry-change/${notice.noticeId}/${step}`),
    access: {
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
    },
    stream: subjectAccessStream('registry-change', notice.noticeId),
  };
}

interface Matched {
  readonly received: RecordedEvent;
  readonly notice: RegistryChangeReceivedData;
  /** The notice's stream as far as the reactor has it: the notice itself. */
  readonly stream: Loaded<NoticeState>;
  readonly candidates: readonly Candidate[];
  readonly plan: ReturnType<typeof planFor>;
}

async function match(deps: ReactorDeps, received: RecordedEvent, now: Date): Promise<Matched> {
  const event = registryChangeReceived.parse({ type: received.type, data: received.data });
  const notice = event.data;
  const candidates: Candidate[] = [];
  for (const certificate of deps.register.certificatesOf(notice.holderRef, received.position)) {
    const items = await itemsOf(deps.store, certificate);
    candidates.push({ serialNumber: certificate.serialNumber, certificateType: certificate.certificateType, notAfter: certificate.notAfter, ...(items === undefined ? {} : { items }) });
  }
  const stream = { state: fold(noticeAggregate.decider, [event]), revision: received.revision, recorded: [received] };
  return { received, notice, stream, candidates, plan: planFor(notice, candidates, now) };
}

type Revocation = Extract<PlannedCertificate['action'], { kind: 'revoke' }>;

function revocationOutcome(
  noticeId: string,
  serialNumber: string,
  action: Revocation,
  revoked: E.Either<DomainError, unknown>,
  now: Date,
): { outcome: CertificateOutcome; effectiveAt?: string } {
  if (E.isRight(revoked)) {
    const scheduled = action.effectiveAt.getTime() > now.getTime();
    return { outcome: scheduled ? 'revocation-scheduled' : 'revoked', effectiveAt: action.effectiveAt.toISOString() };
  }
  if (revoked.left.rule === 'already-revoked') return { outcome: 'already-revoked' };
  if (revoked.left.rule === 'certificate-expired') return { outcome: 'expired' };
  throw new Error(`revoking ${serialNumber} for notice ${noticeId} failed: ${revoked.left.rule}`);
}

/** Matches a received notice, revokes what the rules say, and records the outcome with the reply. */
export async function processNotice(deps: ReactorDeps, received: RecordedEvent): Promise<void> {
  await processNotices(deps, [received]);
}

/**
 * Several received notices, each with the outcome it would have on its own in the order given (a
 * later notice about a certificate an earlier one revoked finds it already revoked), their writes
 * given to the store step by step together: the handovers with the revocations, then the outcomes
 * (two commits on the embedded store, however many notices).
 */
export async function processNotices(deps: ReactorDeps, received: readonly RecordedEvent[]): Promise<void> {
  const now = deps.clock.now();
  const matched: Matched[] = [];
  for (const event of received) matched.push(await match(deps, event, now));
  const handovers = matched.filter((m) => m.candidates.some((c) => c.items !== undefined)).map((m) => handover(deps, m.received, m.notice, 'matching'));
  const offers = accessOffers(deps, handovers);

  const revocations = matched.flatMap((m) =>
    m.plan.certificates.flatMap((planned) => (planned.action.kind === 'revoke' ? [{ m, serialNumber: planned.serialNumber, action: planned.action }] : [])),
  );
  // The handovers go in the revocations' commit, ahead of them; one whose subject stream already
  // held something else is settled right after, before the outcome is recorded.
  const { handled: revoked, alongside } = await handleEachAlongside(
    deps,
    certificateAggregate,
    revocations.map(({ m, serialNumber, action }) => ({
      stream: certificateStream(serialNumber),
      command: { type: 'Revoke' as const, reason: action.reason, legalGround: 'registry-change' as const, effectiveAt: action.effectiveAt, now },
      context: commandContext(reactorCaller(m.received, `registry-change/${m.notice.noticeId}/revoke/${serialNumber}`)),
    })),
    offers,
  );
  await recordAccessesOnce(deps, handovers, { offers, results: alongside });
  const done = new Map(revocations.map(({ m, serialNumber, action }, i) => [`${m.notice.noticeId} ${serialNumber}`, revocationOutcome(m.notice.noticeId, serialNumber, action, revoked[i] as E.Either<DomainError, unknown>, now)]));

  const recorded = await handleEach(
    deps,
    noticeAggregate,
    matched.map(({ received: cause, notice, stream, candidates, plan }) => {
      const certificates = plan.certificates.map((planned) => ({
        serialNumber: planned.serialNumber,
        certificateType: planned.certificateType,
        ...(planned.action.kind === 'none' ? { outcome: planned.action.outcome } : (done.get(`${notice.noticeId} ${planned.serialNumber}`) as ReturnType<typeof revocationOutcome>)),
      }));
      const revokedSerials = certificates.filter((c) => c.outcome === 'revoked' || c.outcome === 'revocation-scheduled').map((c) => c.serialNumber);
      const flagged = certificates.filter((c) => c.outcome === 'discrepancy').map((c) => c.serialNumber);
      const status = candidates.length === 0 ? 'unmatched' : flagged.length > 0 ? 'discrepancy' : revokedSerials.length > 0 ? 'revoked' : 'nothing-to-revoke';
      return {
        stream: registryChangeStream(notice.noticeId),
        command: {
          type: 'RecordOutcome' as const,
          processed: { noticeId: notice.noticeId, rule: plan.rule, matched: candidates.length > 0, certificates, processedAt: now.toISOString() },
          reply: { noticeId: notice.noticeId, status, revoked: revokedSerials, flagged, repliedAt: now.toISOString() },
        },
        context: commandContext(reactorCaller(cause, `registry-change/${notice.noticeId}/outcome`)),
        // Usually all the stream holds; a stale-issuance flag or an earlier run's outcome makes the append find out.
        loaded: stream,
      };
    }),
  );
  for (const [i, result] of recorded.entries()) {
    if (E.isLeft(result)) throw new Error(`recording the outcome of notice ${(matched[i] as Matched).notice.noticeId} failed: ${result.left.rule}`);
  }
}

/** A signing certificate issued after notices about its holder, with data one of them had already changed: flagged on that notice. */
export async function checkIssuedCertificate(deps: ReactorDeps, issued: RecordedEvent): Promise<boolean> {
  const certificate = issued.data as { serialNumber: string; certificateType: 'signing' | 'user-authentication'; holderRef: string; applicationId: string };
  if (certificate.certificateType !== 'signing') return false;
  const noticeIds = deps.notices.noticesOf(certificate.holderRef, issued.position);
  if (noticeIds.length === 0) return false;
  const items = await itemsOf(deps.store, certificate);
  for (const noticeId of noticeIds) {
    const { state } = await load(deps.store, noticeAggregate, registryChangeStream(noticeId));
    if (state.status === 'none') continue;
    const { caller, access, stream } = handover(deps, issued, state.notice, `stale-check/${certificate.serialNumber}`);
    await recordAccessOnce(deps, caller, access, stream);
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
  return true;
}
