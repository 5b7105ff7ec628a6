/**
 * The rules of an application, one function per command. Time, ids, the CSR's facts and the
 * renewed certificate's facts arrive in the command: the application service resolves them through
 * ports. That a key was never seen before is the public-key registry's rule (public-key-registry.ts).
 */
import * as E from 'fp-ts/lib/Either.js';
import { personalAttributes } from '../certificate/personal-attributes.js';
import { renewalAllowed } from '../certificate/validity.js';
import type { CsrFacts } from '../ports/certificate-authority.js';
import { ageOn, jstDateOf, parseIsoDate } from '../shared/calendar.js';
import { dateOfBirthOutOfRange } from '../shared/date-of-birth.js';
import { invalidTransition, notFound, policyViolation, type DomainError } from '../shared/errors.js';
import type { ApplicantPersonal, ApplicationEvent, CertificateType } from './events.js';
import { describeKey, judgePublicKey } from './public-key-policy.js';
import type { ApplicationState } from './state.js';

/** What the service found about the certificate an application renews. */
export interface RenewedCertificate {
  readonly serialNumber: string;
  readonly holderRef: string;
  readonly certificateType: CertificateType;
  readonly notAfter: Date;
  readonly revoked: boolean;
}

export type ApplicationCommand =
  | {
      readonly type: 'SubmitApplication';
      readonly applicationId: string;
      readonly certificateType: CertificateType;
      readonly municipalityCode: string;
      readonly holderRef: string;
      readonly personal: ApplicantPersonal;
      readonly renewal?: RenewedCertificate;
      readonly now: Date;
    }
  | {
      readonly type: 'RecordIdentityVerification';
      readonly result: 'verified' | 'failed';
      readonly method: 'photo-id' | 'inquiry-letter' | 'proxy-inquiry';
      readonly documentType: 'passport' | 'driver-license' | 'my-number-card' | 'juki-card' | 'residence-card' | 'other-photo-id';
      readonly note?: string;
      readonly now: Date;
    }
  | { readonly type: 'SubmitPublicKey'; readonly csr: CsrFacts; readonly now: Date }
  | {
      readonly type: 'PrepareIssuance';
      readonly serialNumber: string;
      readonly issuerKeyId: string;
      readonly tbsSha256: string;
      readonly notBefore: Date;
      readonly notAfter: Date;
      readonly now: Date;
    }
  | { readonly type: 'RecordIssuance'; readonly serialNumber: string; readonly now: Date }
  | { readonly type: 'Withdraw'; readonly reason?: string; readonly now: Date }
  | { readonly type: 'Reject'; readonly reason: string; readonly now: Date };

type Decision = E.Either<DomainError, readonly ApplicationEvent[]>;

const MINIMUM_SIGNING_AGE = 15;

const notSubmitted = (): Decision => E.left(notFound('application-not-found', 'There is no such application.'));
const closed = (state: Extract<ApplicationState, { status: 'closed' }>): Decision =>
  E.left(invalidTransition('application-closed', `The application is closed (${state.reason}).`, { closedBecause: state.reason }));

function submit(command: Extract<ApplicationCommand, { type: 'SubmitApplication' }>, state: ApplicationState): Decision {
  if (state.status !== 'none') return E.left(invalidTransition('application-exists', 'An application with this id already exists.'));
  const dateOfBirth = parseIsoDate(command.personal.dateOfBirth);
  if (dateOfBirth === undefined) return E.left(policyViolation('invalid-date-of-birth', 'The date of birth is not a calendar date.', 'applicant.dateOfBirth'));
  const impossible = dateOfBirthOutOfRange(dateOfBirth, command.now, 'applicant.dateOfBirth');
  if (impossible !== undefined) return E.left(impossible);
  const today = jstDateOf(command.now);
  if (command.certificateType === 'signing') {
    if (ageOn(dateOfBirth, today) < MINIMUM_SIGNING_AGE) {
      return E.left(policyViolation('applicant-under-15', 'Signing certificates are not issued to applicants under 15.', 'applicant.dateOfBirth'));
    }
    const attributes = personalAttributes({ ...command.personal, dateOfBirth });
    if (!attributes.ok) return E.left(policyViolation(attributes.problem, attributes.detail, `applicant.alternativeCharacters.${attributes.field}`));
  }
  const renewal = command.renewal;
  if (renewal !== undefined) {
    if (renewal.holderRef !== command.holderRef || renewal.certificateType !== command.certificateType) {
      return E.left(policyViolation('renewal-mismatch', 'A renewal must be for the same holder and certificate type.', 'renewalOf'));
    }
    if (renewal.revoked) return E.left(policyViolation('renewal-of-revoked', 'A revoked certificate cannot be renewed; apply afresh.', 'renewalOf'));
    if (!renewalAllowed(command.now, renewal.notAfter)) {
      return E.left(policyViolation('renewal-not-allowed', 'Renewal is allowed only in the last 3 months before expiry.', 'renewalOf'));
    }
  }
  return E.right([
    {
      type: 'ApplicationSubmitted',
      data: {
        applicationId: command.applicationId,
        certificateType: command.certificateType,
        municipalityCode: command.municipalityCode,
        holderRef: command.holderRef,
        ...(renewal === undefined ? {} : { renewalOf: renewal.serialNumber }),
        submittedAt: command.now.toISOString(),
        personal: command.personal,
      },
    },
  ]);
}

function recordIdentity(command: Extract<ApplicationCommand, { type: 'RecordIdentityVerification' }>, state: ApplicationState): Decision {
  if (state.status === 'none') return notSubmitted();
  if (state.status === 'closed') return closed(state);
  if (state.status !== 'submitted') return E.left(invalidTransition('identity-already-verified', 'Identity has already been verified for this application.'));
  const common = { applicationId: state.facts.applicationId, method: command.method, documentType: command.documentType, ...(command.note === undefined ? {} : { note: command.note }) };
  return E.right([
    command.result === 'verified'
      ? { type: 'IdentityVerified', data: { ...common, verifiedAt: command.now.toISOString() } }
      : { type: 'IdentityVerificationFailed', data: { ...common, failedAt: command.now.toISOString() } },
  ]);
}

function submitKey(command: Extract<ApplicationCommand, { type: 'SubmitPublicKey' }>, state: ApplicationState): Decision {
  if (state.status === 'none') return notSubmitted();
  if (state.status === 'closed') return closed(state);
  if (state.status === 'submitted') return E.left(invalidTransition('identity-not-verified', 'Identity must be verified before a public key is accepted.'));
  if (state.status !== 'identity-verified') return E.left(invalidTransition('public-key-already-accepted', 'A public key has already been accepted for this application.'));
  const refused = judgePublicKey(command.csr);
  if (refused !== undefined) return E.left(refused);
  return E.right([
    {
      type: 'PublicKeyAccepted',
      data: {
        applicationId: state.facts.applicationId,
        subjectPublicKeyInfo: command.csr.subjectPublicKeyInfo,
        publicKeySha256: command.csr.publicKeySha256,
        keyDescription: describeKey(command.csr),
        acceptedAt: command.now.toISOString(),
      },
    },
  ]);
}

/** Why an application cannot start issuance, if it cannot. */
export function whyNotIssuable(state: ApplicationState): DomainError | undefined {
  switch (state.status) {
    case 'key-accepted':
      return undefined;
    case 'none':
      return notFound('application-not-found', 'There is no such application.');
    case 'closed':
      return invalidTransition('application-closed', `The application is closed (${state.reason}).`, { closedBecause: state.reason });
    case 'issued':
    case 'issuance-prepared': {
      const serialNumber = state.status === 'issued' ? state.serialNumber : state.prepared.serialNumber;
      return invalidTransition('already-issued', `This application has already been issued (serial ${serialNumber}).`, { serialNumber });
    }
    default:
      return invalidTransition('public-key-not-accepted', 'A public key must be accepted before issuance.');
  }
}

function prepare(command: Extract<ApplicationCommand, { type: 'PrepareIssuance' }>, state: ApplicationState): Decision {
  const refused = whyNotIssuable(state);
  if (refused !== undefined || state.status !== 'key-accepted') return E.left(refused ?? notFound('application-not-found', 'There is no such application.'));
  return E.right([
    {
      type: 'CertificateIssuancePrepared',
      data: {
        applicationId: state.facts.applicationId,
        serialNumber: command.serialNumber,
        issuerKeyId: command.issuerKeyId,
        tbsSha256: command.tbsSha256,
        notBefore: command.notBefore.toISOString(),
        notAfter: command.notAfter.toISOString(),
        preparedAt: command.now.toISOString(),
      },
    },
  ]);
}

function recordIssuance(command: Extract<ApplicationCommand, { type: 'RecordIssuance' }>, state: ApplicationState): Decision {
  if (state.status === 'none') return notSubmitted();
  if (state.status === 'issued') {
    return E.left(invalidTransition('already-issued', `This application has already been issued (serial ${state.serialNumber}).`, { serialNumber: state.serialNumber }));
  }
  if (state.status !== 'issuance-prepared' || state.prepared.serialNumber !== command.serialNumber) {
    return E.left(invalidTransition('issuance-not-prepared', 'Issuance of this serial number was not prepared for this application.'));
  }
  return E.right([{ type: 'ApplicationIssued', data: { applicationId: state.facts.applicationId, serialNumber: command.serialNumber, issuedAt: command.now.toISOString() } }]);
}

function close(command: Extract<ApplicationCommand, { type: 'Withdraw' | 'Reject' }>, state: ApplicationState): Decision {
  if (state.status === 'none') return notSubmitted();
  if (state.status === 'closed') return closed(state);
  if (state.status === 'issued' || state.status === 'issuance-prepared') {
    return E.left(invalidTransition('already-issued', 'An application that has been issued can no longer be withdrawn or rejected; revoke the certificate instead.'));
  }
  const applicationId = state.facts.applicationId;
  const at = command.now.toISOString();
  if (command.type === 'Reject') return E.right([{ type: 'ApplicationRejected', data: { applicationId, rejectedAt: at, reason: command.reason } }]);
  return E.right([{ type: 'ApplicationWithdrawn', data: { applicationId, withdrawnAt: at, ...(command.reason === undefined ? {} : { reason: command.reason }) } }]);
}

export function decideApplication(command: ApplicationCommand, state: ApplicationState): Decision {
  switch (command.type) {
    case 'SubmitApplication':
      return submit(command, state);
    case 'RecordIdentityVerification':
      return recordIdentity(command, state);
    case 'SubmitPublicKey':
      return submitKey(command, state);
    case 'PrepareIssuance':
      return prepare(command, state);
    case 'RecordIssuance':
      return recordIssuance(command, state);
    case 'Withdraw':
    case 'Reject':
      return close(command, state);
  }
}
