/**
 * An application's state: only what its decisions (and issuance) need. `evolve` is total and pure.
 */
import type { ApplicantPersonal, ApplicationEvent, CertificateType } from './events.js';

export interface ApplicationFacts {
  readonly applicationId: string;
  readonly certificateType: CertificateType;
  readonly municipalityCode: string;
  readonly holderRef: string;
  readonly renewalOf?: string;
  readonly personal: ApplicantPersonal;
}

export interface AcceptedKey {
  readonly subjectPublicKeyInfo: string;
  readonly publicKeySha256: string;
}

export interface PreparedIssuance {
  readonly serialNumber: string;
  readonly issuerKeyId: string;
  readonly tbsSha256: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

export type ClosedReason = 'identity-failed' | 'withdrawn' | 'rejected';

export type ApplicationState =
  | { readonly status: 'none' }
  | { readonly status: 'submitted'; readonly facts: ApplicationFacts }
  | { readonly status: 'identity-verified'; readonly facts: ApplicationFacts }
  | { readonly status: 'key-accepted'; readonly facts: ApplicationFacts; readonly key: AcceptedKey }
  | { readonly status: 'issuance-prepared'; readonly facts: ApplicationFacts; readonly key: AcceptedKey; readonly prepared: PreparedIssuance }
  | { readonly status: 'issued'; readonly facts: ApplicationFacts; readonly serialNumber: string }
  | { readonly status: 'closed'; readonly facts: ApplicationFacts; readonly reason: ClosedReason };

export const initialApplicationState = (): ApplicationState => ({ status: 'none' });

export function evolveApplication(state: ApplicationState, event: ApplicationEvent): ApplicationState {
  switch (event.type) {
    case 'ApplicationSubmitted': {
      const { applicationId, certificateType, municipalityCode, holderRef, renewalOf, personal } = event.data;
      return { status: 'submitted', facts: { applicationId, certificateType, municipalityCode, holderRef, personal, ...(renewalOf === undefined ? {} : { renewalOf }) } };
    }
    case 'IdentityVerified':
      return state.status === 'submitted' ? { status: 'identity-verified', facts: state.facts } : state;
    case 'IdentityVerificationFailed':
      return state.status === 'none' ? state : { status: 'closed', facts: state.facts, reason: 'identity-failed' };
    case 'PublicKeyAccepted':
      return state.status === 'identity-verified'
        ? { status: 'key-accepted', facts: state.facts, key: { subjectPublicKeyInfo: event.data.subjectPublicKeyInfo, publicKeySha256: event.data.publicKeySha256 } }
        : state;
    case 'CertificateIssuancePrepared': {
      if (state.status !== 'key-accepted') return state;
      const { serialNumber, issuerKeyId, tbsSha256, notBefore, notAfter } = event.data;
      return { status: 'issuance-prepared', facts: state.facts, key: state.key, prepared: { serialNumber, issuerKeyId, tbsSha256, notBefore, notAfter } };
    }
    case 'ApplicationIssued':
      return state.status === 'none' ? state : { status: 'issued', facts: state.facts, serialNumber: event.data.serialNumber };
    case 'ApplicationWithdrawn':
      return state.status === 'none' ? state : { status: 'closed', facts: state.facts, reason: 'withdrawn' };
    case 'ApplicationRejected':
      return state.status === 'none' ? state : { status: 'closed', facts: state.facts, reason: 'rejected' };
    default:
      return state;
  }
}
