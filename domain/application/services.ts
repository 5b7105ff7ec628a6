/**
 * The application's command services: resolve what the decider needs through ports, then run the
 * one pipeline (load → decide → append).
 */
import * as E from 'fp-ts/lib/Either.js';
import { certificateStream } from '../certificate/decider.js';
import { certificateAggregate } from '../certificate/aggregate.js';
import type { CertificateAuthority } from '../ports/certificate-authority.js';
import type { Clock } from '../ports/clock.js';
import type { HolderRefs } from '../ports/ids.js';
import { commandContext, mayActFor, type Caller } from '../shared/caller.js';
import { handleCommand, load, type HandlerDeps, type Loaded } from '../shared/command-handler.js';
import { notFound, policyViolation, type DomainError } from '../shared/errors.js';
import { applicationAggregate } from './aggregate.js';
import type { ApplicationCommand, RenewedCertificate } from './decide.js';
import { applicationStream } from './decider.js';
import type { ApplicantPersonal, CertificateType } from './events.js';
import { publicKeyRegistryAggregate, publicKeyStream } from './public-key-registry.js';
import type { ApplicationState } from './state.js';

export interface ApplicationServiceDeps extends HandlerDeps {
  readonly clock: Clock;
  readonly holderRefs: HolderRefs;
  readonly ca: Pick<CertificateAuthority, 'inspectCsr'>;
}

export interface Written {
  readonly position: bigint;
}

const NEW_APPLICATION = 'new-application';

/** Names as registered, in NFC (never NFKC, which would change register kanji). */
function normalised(personal: ApplicantPersonal): ApplicantPersonal {
  const nfc = (text: string) => text.normalize('NFC');
  const alternatives = personal.alternativeCharacters;
  return {
    ...personal,
    name: nfc(personal.name),
    nameKana: nfc(personal.nameKana),
    address: nfc(personal.address),
    ...(alternatives === undefined
      ? {}
      : {
          alternativeCharacters: {
            ...(alternatives.name === undefined ? {} : { name: nfc(alternatives.name) }),
            ...(alternatives.address === undefined ? {} : { address: nfc(alternatives.address) }),
          },
        }),
  };
}

async function renewedCertificate(deps: ApplicationServiceDeps, serialNumber: string): Promise<E.Either<DomainError, RenewedCertificate>> {
  const { state } = await load(deps.store, certificateAggregate, certificateStream(serialNumber));
  if (state.status === 'none') return E.left(notFound('renewed-certificate-not-found', 'The certificate named in renewalOf does not exist.'));
  return E.right({
    serialNumber,
    holderRef: state.facts.holderRef,
    certificateType: state.facts.certificateType,
    notAfter: new Date(state.facts.notAfter),
    revoked: state.status === 'revoked',
  });
}

export async function submitApplication(
  deps: ApplicationServiceDeps,
  caller: Caller,
  input: { readonly certificateType: CertificateType; readonly municipalityCode: string; readonly applicant: ApplicantPersonal; readonly renewalOf?: string },
): Promise<E.Either<DomainError, Written & { readonly applicationId: string }>> {
  const refused = mayActFor(caller, input.municipalityCode);
  if (refused !== undefined) return E.left(refused);
  let renewal: RenewedCertificate | undefined;
  if (input.renewalOf !== undefined) {
    const found = await renewedCertificate(deps, input.renewalOf);
    if (E.isLeft(found)) return found;
    renewal = found.right;
  }
  // The id follows from the idempotency key, so a retried submission lands on the same stream.
  const applicationId = deps.ids.eventId(caller.idempotencyKey, NEW_APPLICATION, 0);
  const personal = normalised(input.applicant);
  const command: ApplicationCommand = {
    type: 'SubmitApplication',
    applicationId,
    certificateType: input.certificateType,
    municipalityCode: input.municipalityCode,
    holderRef: deps.holderRefs.of(personal.residentRecordCode),
    personal,
    ...(renewal === undefined ? {} : { renewal }),
    now: deps.clock.now(),
  };
  const handled = await handleCommand(deps, applicationAggregate, applicationStream(applicationId), command, commandContext(caller));
  return E.map((h: { position: bigint }) => ({ applicationId, position: h.position }))(handled);
}

/** Loads an application the caller may act on (the command that follows appends on what was read here). */
async function applicationFor(deps: HandlerDeps, caller: Caller, applicationId: string): Promise<E.Either<DomainError, Loaded<ApplicationState>>> {
  const loaded = await load(deps.store, applicationAggregate, applicationStream(applicationId));
  const { state } = loaded;
  if (state.status === 'none') return E.left(notFound('application-not-found', 'There is no such application.'));
  const refused = mayActFor(caller, state.facts.municipalityCode);
  return refused === undefined ? E.right(loaded) : E.left(refused);
}

async function onApplication(
  deps: ApplicationServiceDeps,
  caller: Caller,
  applicationId: string,
  command: ApplicationCommand,
): Promise<E.Either<DomainError, Written>> {
  const found = await applicationFor(deps, caller, applicationId);
  if (E.isLeft(found)) return found;
  const handled = await handleCommand(deps, applicationAggregate, applicationStream(applicationId), command, commandContext(caller), found.right);
  return E.map((h: { position: bigint }) => ({ position: h.position }))(handled);
}

export function recordIdentityVerification(
  deps: ApplicationServiceDeps,
  caller: Caller,
  applicationId: string,
  input: Omit<Extract<ApplicationCommand, { type: 'RecordIdentityVerification' }>, 'type' | 'now'>,
): Promise<E.Either<DomainError, Written>> {
  return onApplication(deps, caller, applicationId, { type: 'RecordIdentityVerification', ...input, now: deps.clock.now() });
}

export function withdrawApplication(deps: ApplicationServiceDeps, caller: Caller, applicationId: string, reason?: string) {
  return onApplication(deps, caller, applicationId, { type: 'Withdraw', ...(reason === undefined ? {} : { reason }), now: deps.clock.now() });
}

export function rejectApplication(deps: ApplicationServiceDeps, caller: Caller, applicationId: string, reason: string) {
  return onApplication(deps, caller, applicationId, { type: 'Reject', reason, now: deps.clock.now() });
}

/**
 * Accepts the resident's key: the CSR is inspected, the application's rules are checked first (so
 * that a refused submission claims nothing), then the key is registered ledger-wide (refused if any
 * earlier application had it), then accepted on the application.
 */
export async function submitPublicKey(
  deps: ApplicationServiceDeps,
  caller: Caller,
  applicationId: string,
  csrPem: string,
): Promise<E.Either<DomainError, Written>> {
  const found = await applicationFor(deps, caller, applicationId);
  if (E.isLeft(found)) return found;
  const inspection = await deps.ca.inspectCsr(csrPem);
  if (!inspection.ok) return E.left(policyViolation('csr-malformed', `The CSR could not be read: ${inspection.reason}.`, 'csr'));
  const command: ApplicationCommand = { type: 'SubmitPublicKey', csr: inspection.facts, now: deps.clock.now() };
  const dryRun = applicationAggregate.decider.decide(command, found.right.state);
  if (E.isLeft(dryRun)) return dryRun;
  const context = commandContext(caller);
  const registered = await handleCommand(
    deps,
    publicKeyRegistryAggregate,
    publicKeyStream(inspection.facts.publicKeySha256),
    { publicKeySha256: inspection.facts.publicKeySha256, applicationId, now: command.now },
    context,
  );
  if (E.isLeft(registered)) return registered;
  const handled = await handleCommand(deps, applicationAggregate, applicationStream(applicationId), command, context, found.right);
  return E.map((h: { position: bigint }) => ({ position: h.position }))(handled);
}
