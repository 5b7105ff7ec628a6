/**
 * Issuance, in boulder's order: build what is about to be signed and record its hash and serial on
 * the application (CertificateIssuancePrepared), then ask for the signature, then record the
 * certificate on its own stream, supersede the holder's previous certificate of the type, and mark
 * the application issued. A crash between any two steps leaves a record saying how far it got; the
 * same command given again resumes from there (the TBS is rebuilt from what was recorded and must
 * hash the same), so no signed certificate ever goes unrecorded and none is signed twice over
 * different content.
 */
import * as E from 'fp-ts/lib/Either.js';
import { disclosureAccess } from '../access/read-with-record.js';
import { accessRequest } from '../access/record-access.js';
import type { Purpose } from '../access/purposes.js';
import { applicationAggregate } from '../application/aggregate.js';
import { applicationStream } from '../application/decider.js';
import { whyNotIssuable, type ApplicationCommand } from '../application/decide.js';
import type { ApplicationFacts, ApplicationState } from '../application/state.js';
import { certificateAggregate } from '../certificate/aggregate.js';
import type { CertificateCommand } from '../certificate/decide.js';
import { certificateStream } from '../certificate/decider.js';
import type { CertificateState } from '../certificate/state.js';
import { holderAggregate, holderStream, type AssignCertificate, type HolderState } from '../holder/holder.js';
import type { CertificateAuthority, IssuingCa, IssuingCas } from '../ports/certificate-authority.js';
import type { Clock } from '../ports/clock.js';
import type { AppendRequest } from '../ports/event-store.js';
import { commandContext, mayActFor, type Caller } from '../shared/caller.js';
import { appendSteps, handleCommand, load, loadedAfter, planItem, settle, type CommandItem, type Handled, type HandlerDeps, type Loaded } from '../shared/command-handler.js';
import { notFound, type DomainError } from '../shared/errors.js';
import { issuanceValidity, leafRequest, type IssuanceProfile } from './leaf-request.js';

export interface IssuanceDeps extends HandlerDeps {
  readonly clock: Clock;
  readonly purposes: readonly Purpose[];
  readonly ca: CertificateAuthority;
  readonly issuingCas: IssuingCas;
  readonly profile: IssuanceProfile;
}

export interface Issued {
  readonly serialNumber: string;
  /** base64 DER */
  readonly certificate: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly position: bigint;
}

/** The same caller's key, told apart per step, so each step of a retried issuance is recognised. */
const step = (caller: Caller, name: string): Caller => ({ ...caller, idempotencyKey: `${caller.idempotencyKey}/${name}` });

export async function issueCertificate(deps: IssuanceDeps, caller: Caller, applicationId: string): Promise<E.Either<DomainError, Issued>> {
  const loaded = await load(deps.store, applicationAggregate, applicationStream(applicationId));
  const { state } = loaded;
  if (state.status === 'none') return E.left(notFound('application-not-found', 'There is no such application.'));
  const refused = mayActFor(caller, state.facts.municipalityCode);
  if (refused !== undefined) return E.left(refused);
  // This very command, given again after it was done: the first reply again.
  if (state.status === 'issued') {
    const repeated = await repeatOfIssuance(deps, caller, loaded, applicationId, state.serialNumber);
    if (repeated !== undefined) return repeated;
  }
  // A prepared issuance resumes; any other state but an accepted key is refused, for the decider's reason.
  if (state.status !== 'issuance-prepared') {
    const refusal = whyNotIssuable(state);
    if (refusal !== undefined || state.status !== 'key-accepted') return E.left(refusal ?? notFound('application-not-found', 'There is no such application.'));
  }
  const ca = await deps.issuingCas.current(state.facts.certificateType);
  const prepared = await prepare(deps, caller, { ...loaded, state }, ca);
  if (E.isLeft(prepared)) return prepared;
  const { terms, tbs, application } = prepared.right;
  const certificate = await deps.ca.sign(ca, tbs);
  // A signing certificate carries the four items: handing it back is a disclosure, recorded with the issuance.
  if (state.facts.certificateType !== 'signing') return record(deps, caller, state.facts, application, terms, certificate, []);
  const discloser = step(caller, 'disclosure');
  const disclosure = disclosureAccess(deps, discloser, undefined, {
    function: 'certificate.issue',
    items: ['name', 'dateOfBirth', 'sex', 'address'],
    holderRef: state.facts.holderRef,
    municipalityCode: state.facts.municipalityCode,
    subject: { kind: 'certificate', id: terms.serialNumber },
  });
  // A purpose the role may not use: the issuance is still recorded (it is signed), the certificate is not handed back.
  if (E.isLeft(disclosure)) {
    const issued = await record(deps, caller, state.facts, application, terms, certificate, []);
    return E.isLeft(issued) ? issued : disclosure;
  }
  return record(deps, caller, state.facts, application, terms, certificate, [accessRequest(deps, discloser, disclosure.right)]);
}

interface Terms {
  readonly serialNumber: string;
  readonly issuerKeyId: string;
  readonly tbsSha256: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

async function prepare(
  deps: IssuanceDeps,
  caller: Caller,
  loaded: Loaded<Extract<ApplicationState, { status: 'key-accepted' | 'issuance-prepared' }>>,
  ca: IssuingCa,
) {
  const { state } = loaded;
  const issuerKeyId = ca.keyId;
  const now = deps.clock.now();
  const recorded = state.status === 'issuance-prepared' ? state.prepared : undefined;
  const serialNumber = recorded?.serialNumber ?? deps.ids.serialNumber();
  const validity = recorded === undefined
    ? issuanceValidity(state.facts, now, deps.profile.validityRule)
    : { notBefore: new Date(recorded.notBefore), notAfter: new Date(recorded.notAfter) };
  const tbs = await deps.ca.prepare(ca, leafRequest(state.facts, state.key, serialNumber, validity, deps.profile));
  if (recorded !== undefined) {
    if (recorded.tbsSha256 !== tbs.tbsSha256 || recorded.issuerKeyId !== issuerKeyId) {
      throw new Error(`resuming issuance of ${serialNumber}: the rebuilt certificate differs from the one recorded (profile or CA changed)`);
    }
    return E.right({ terms: recorded, tbs, application: loaded });
  }
  const terms: Terms = { serialNumber, issuerKeyId, tbsSha256: tbs.tbsSha256, notBefore: validity.notBefore.toISOString(), notAfter: validity.notAfter.toISOString() };
  const handled = await handleCommand(
    deps,
    applicationAggregate,
    applicationStream(state.facts.applicationId),
    { type: 'PrepareIssuance', ...terms, notBefore: validity.notBefore, notAfter: validity.notAfter, now },
    // The serial in the ids: the same command given twice at once draws two serials, and ids alone
    // would let the second append pass as a repeat of the first (the store matches ids, not data)
    // and sign a certificate nothing recorded. With the serial, it conflicts. A repeat after the
    // first has been recorded never comes here: it resumes from the recorded preparation.
    commandContext(step(caller, `prepare/${serialNumber}`)),
    loaded,
  );
  return E.map((done: Handled<unknown, ApplicationState>) => ({ terms, tbs, application: loadedAfter(loaded, done) }))(handled);
}

/**
 * Two commits: the certificate with the holder's record (which names the certificate it
 * supersedes), then — once that one is revoked — the application marked issued, with the access
 * record of handing the certificate back. Until the application says issued, the same command given
 * again resumes here. `application`: its stream as it stood once the issuance was prepared (not
 * read again).
 */
async function record(
  deps: IssuanceDeps,
  caller: Caller,
  facts: ApplicationFacts,
  application: Loaded<ApplicationState>,
  terms: Terms,
  certificate: string,
  disclosing: readonly AppendRequest[],
): Promise<E.Either<DomainError, Issued>> {
  const now = deps.clock.now();
  const certificateItem: CommandItem<CertificateCommand, CertificateState> = {
    stream: certificateStream(terms.serialNumber),
    command: {
      type: 'RecordIssuedCertificate',
      certificate: {
        serialNumber: terms.serialNumber,
        applicationId: facts.applicationId,
        certificateType: facts.certificateType,
        municipalityCode: facts.municipalityCode,
        holderRef: facts.holderRef,
        issuerKeyId: terms.issuerKeyId,
        tbsSha256: terms.tbsSha256,
        notBefore: terms.notBefore,
        notAfter: terms.notAfter,
        ...(facts.renewalOf === undefined ? {} : { renewalOf: facts.renewalOf }),
        personal: { certificate },
      },
      now,
    },
    context: commandContext(step(caller, 'certificate')),
  };
  const certificateStep = await planItem(deps, certificateAggregate, certificateItem);
  // Refused outright (not already recorded): the holder is not told of a certificate that is not there.
  if (certificateStep.kind === 'done' && E.isLeft(certificateStep.result) && certificateStep.result.left.rule !== 'certificate-exists') return certificateStep.result;
  const holderItem: CommandItem<AssignCertificate, HolderState> = {
    stream: holderStream(facts.holderRef),
    command: { holderRef: facts.holderRef, certificateType: facts.certificateType, serialNumber: terms.serialNumber, now },
    context: commandContext(step(caller, 'holder')),
  };
  const holderStep = await planItem(deps, holderAggregate, holderItem);
  const { appended } = await appendSteps(deps, [certificateStep, holderStep]);
  const recorded = await settle(deps, certificateAggregate, certificateItem, certificateStep, appended[0]);
  if (E.isLeft(recorded) && recorded.left.rule !== 'certificate-exists') return recorded;
  const assigned = await settle(deps, holderAggregate, holderItem, holderStep, appended[1]);
  if (E.isLeft(assigned)) return assigned;

  const supersedes = assigned.right.events[0]?.data.supersedes;
  if (supersedes !== undefined) {
    const superseded = await handleCommand(
      deps,
      certificateAggregate,
      certificateStream(supersedes),
      { type: 'Revoke', reason: 'superseded', legalGround: 'holder-request', supersededBy: terms.serialNumber, now },
      commandContext(step(caller, 'supersede')),
    );
    // Already revoked or expired: the old certificate is no longer valid anyway.
    if (E.isLeft(superseded) && superseded.left._tag !== 'InvalidTransition' && superseded.left.rule !== 'certificate-expired') return superseded;
  }

  const issuedItem: CommandItem<ApplicationCommand, ApplicationState> = {
    stream: applicationStream(facts.applicationId),
    command: { type: 'RecordIssuance', serialNumber: terms.serialNumber, now },
    context: commandContext(step(caller, 'issued')),
    loaded: application,
  };
  const issuedStep = await planItem(deps, applicationAggregate, issuedItem);
  // The access record goes first (expected revision any: it cannot conflict), so the certificate is never handed back unrecorded.
  const marked = await appendSteps(deps, [issuedStep], issuedStep.kind === 'append' ? disclosing : []);
  const issued = await settle(deps, applicationAggregate, issuedItem, issuedStep, marked.appended[0]);
  if (E.isLeft(issued)) return issued;
  // Marked issued before (the command given again): handing it back again is another disclosure.
  if (issuedStep.kind === 'done' && disclosing.length > 0) await deps.store.appendEach(disclosing);
  return E.right({ serialNumber: terms.serialNumber, certificate, notBefore: terms.notBefore, notAfter: terms.notAfter, position: issued.right.position });
}

/**
 * When the application was marked issued by this command (its `issued` step's event id), the reply
 * it gave: the certificate as recorded, the position of that mark. Handing the certificate back
 * again is another disclosure, recorded as the first was. Undefined when another command issued it.
 */
async function repeatOfIssuance(
  deps: IssuanceDeps,
  caller: Caller,
  application: Loaded<ApplicationState>,
  applicationId: string,
  serialNumber: string,
): Promise<E.Either<DomainError, Issued> | undefined> {
  const markId = deps.ids.eventId(step(caller, 'issued').idempotencyKey, applicationStream(applicationId), 0);
  const mark = application.recorded.find((event) => event.id === markId);
  if (mark === undefined) return undefined;
  const { state, recorded } = await load(deps.store, certificateAggregate, certificateStream(serialNumber));
  if (state.status === 'none') return undefined;
  const certificate = (recorded[0]?.data as { personal?: { certificate?: string } } | undefined)?.personal?.certificate ?? '';
  const { facts } = state;
  if (facts.certificateType === 'signing') {
    const discloser = step(caller, 'disclosure');
    const disclosure = disclosureAccess(deps, discloser, undefined, {
      function: 'certificate.issue',
      items: ['name', 'dateOfBirth', 'sex', 'address'],
      holderRef: facts.holderRef,
      municipalityCode: facts.municipalityCode,
      subject: { kind: 'certificate', id: serialNumber },
    });
    if (E.isLeft(disclosure)) return disclosure;
    await deps.store.appendEach([accessRequest(deps, discloser, disclosure.right)]);
  }
  return E.right({ serialNumber, certificate, notBefore: facts.notBefore, notAfter: facts.notAfter, position: mark.position });
}
