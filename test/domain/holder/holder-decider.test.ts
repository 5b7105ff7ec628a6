import { describe, it } from 'vitest';
import { holderDecider, type HolderEvent } from '../../../domain/holder/holder.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(holderDecider);
const now = new Date('2026-11-25T01:00:00.000Z');
const holderRef = 'a'.repeat(64);
const assigned = (certificateType: 'signing' | 'user-authentication', serialNumber: string, supersedes?: string): HolderEvent => ({
  type: 'HolderCertificateAssigned',
  data: { holderRef, certificateType, serialNumber, ...(supersedes === undefined ? {} : { supersedes }), assignedAt: now.toISOString() },
});

describe('one valid certificate per holder per type', () => {
  it('assigns the first certificate of a type, superseding nothing', () => {
    spec.given([]).when({ holderRef, certificateType: 'signing', serialNumber: '0A', now }).then([assigned('signing', '0A')]);
  });
  it('names the certificate a new one of the same type supersedes', () => {
    spec.given([assigned('signing', '0A')]).when({ holderRef, certificateType: 'signing', serialNumber: '0B', now }).then([assigned('signing', '0B', '0A')]);
  });
  it('keeps the types apart', () => {
    spec.given([assigned('signing', '0A')]).when({ holderRef, certificateType: 'user-authentication', serialNumber: '0C', now }).then([assigned('user-authentication', '0C')]);
  });
  it('records nothing when the same certificate is assigned again (a resumed issuance)', () => {
    spec.given([assigned('signing', '0A')]).when({ holderRef, certificateType: 'signing', serialNumber: '0A', now }).then([]);
  });
});
