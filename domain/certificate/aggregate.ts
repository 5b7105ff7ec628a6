import type { Aggregate } from '../shared/command-handler.js';
import type { CertificateCommand } from './decide.js';
import { certificateDecider } from './decider.js';
import { certificateEvent, type CertificateEvent } from './events.js';
import type { CertificateState } from './state.js';

export const certificateAggregate: Aggregate<CertificateCommand, CertificateEvent, CertificateState> = {
  decider: certificateDecider,
  schema: certificateEvent,
  schemaVersion: 1,
};
