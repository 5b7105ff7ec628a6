/**
 * A certificate's status at an instant, from what the ledger knows of it. The one rule the status
 * API, the CRLs and OCSP all answer by, so that they agree at every instant:
 * - past notAfter: expired (and off the CRLs);
 * - a revocation whose effective instant has come: revoked, with its reason;
 * - a hold placed and not (yet) lifted: on hold (certificateHold);
 * - otherwise good — including a revocation recorded for a later instant (emigration with continued
 *   use), which the record carries as scheduled.
 */
import type { RevocationReason } from './events.js';

export interface StatusRecord {
  readonly serialNumber: string;
  readonly certificateType: 'signing' | 'user-authentication';
  readonly notAfter: string;
  /** The latest hold, and when it was lifted if it was (policy option). */
  readonly holdPlacedAt?: string;
  readonly holdLiftedAt?: string;
  readonly revocation?: {
    readonly reason: RevocationReason;
    readonly revokedAt: string;
    readonly effectiveAt: string;
    readonly invalidityDate?: string;
  };
}

export type CertificateStatus =
  | { readonly status: 'expired' }
  | { readonly status: 'revoked'; readonly reason: RevocationReason; readonly revokedAt: string; readonly effectiveAt: string; readonly invalidityDate?: string }
  | { readonly status: 'on-hold'; readonly reason: 'certificateHold'; readonly revokedAt: string; readonly effectiveAt: string }
  | { readonly status: 'good'; readonly scheduledRevocation?: { readonly reason: RevocationReason; readonly revokedAt: string; readonly effectiveAt: string } };

export function statusAt(record: StatusRecord, at: Date): CertificateStatus {
  const now = at.getTime();
  if (now > Date.parse(record.notAfter)) return { status: 'expired' };
  const revocation = record.revocation;
  if (revocation !== undefined && Date.parse(revocation.effectiveAt) <= now) {
    return {
      status: 'revoked',
      reason: revocation.reason,
      revokedAt: revocation.revokedAt,
      effectiveAt: revocation.effectiveAt,
      ...(revocation.invalidityDate === undefined ? {} : { invalidityDate: revocation.invalidityDate }),
    };
  }
  const held = record.holdPlacedAt !== undefined && Date.parse(record.holdPlacedAt) <= now;
  const lifted = record.holdLiftedAt !== undefined && Date.parse(record.holdLiftedAt) <= now;
  if (held && !lifted && record.holdPlacedAt !== undefined) {
    return { status: 'on-hold', reason: 'certificateHold', revokedAt: record.holdPlacedAt, effectiveAt: record.holdPlacedAt };
  }
  if (revocation !== undefined) {
    return { status: 'good', scheduledRevocation: { reason: revocation.reason, revokedAt: revocation.revokedAt, effectiveAt: revocation.effectiveAt } };
  }
  return { status: 'good' };
}
