import type { CertificateEvent, CertificateIssuedData, CertificateRevokedData } from './events.js';

export type CertificateFacts = Omit<CertificateIssuedData, 'personal'>;

export type CertificateState =
  | { readonly status: 'none' }
  | { readonly status: 'issued'; readonly facts: CertificateFacts; readonly delivered: boolean }
  | { readonly status: 'on-hold'; readonly facts: CertificateFacts; readonly delivered: boolean; readonly holdPlacedAt: string }
  | { readonly status: 'revoked'; readonly facts: CertificateFacts; readonly revocation: CertificateRevokedData };

export const initialCertificateState = (): CertificateState => ({ status: 'none' });

export function evolveCertificate(state: CertificateState, event: CertificateEvent): CertificateState {
  switch (event.type) {
    case 'CertificateIssued': {
      const { personal: _certificate, ...facts } = event.data;
      return { status: 'issued', facts, delivered: false };
    }
    case 'CertificateDelivered':
      return state.status === 'issued' ? { ...state, delivered: true } : state;
    case 'CertificateHoldPlaced':
      return state.status === 'issued' ? { status: 'on-hold', facts: state.facts, delivered: state.delivered, holdPlacedAt: event.data.placedAt } : state;
    case 'CertificateHoldLifted':
      return state.status === 'on-hold' ? { status: 'issued', facts: state.facts, delivered: state.delivered } : state;
    case 'CertificateRevoked':
      return state.status === 'none' || state.status === 'revoked' ? state : { status: 'revoked', facts: state.facts, revocation: event.data };
    default:
      return state;
  }
}
