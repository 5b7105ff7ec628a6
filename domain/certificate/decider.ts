import type { Decider } from '../shared/decider.js';
import { decideCertificate, type CertificateCommand } from './decide.js';
import type { CertificateEvent } from './events.js';
import { evolveCertificate, initialCertificateState, type CertificateState } from './state.js';

export const certificateDecider: Decider<CertificateCommand, CertificateEvent, CertificateState> = {
  initialState: initialCertificateState,
  evolve: evolveCertificate,
  decide: decideCertificate,
};

export const certificateStream = (serialNumber: string): string => `certificate-${serialNumber}`;
