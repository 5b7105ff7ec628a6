/**
 * A certificate's status as of an instant T, as known at an instant T2 ≥ T (bitemporal): only facts
 * the ledger had recorded by T2 count, and each counts from the instant it takes effect, by the same
 * rule as the live status (`statusAt`). With T2 = T it is exactly what the ledger answered at T.
 * - a certificate whose issuance was recorded after T did not exist at T: unknown;
 * - a revocation recorded after T (learnt later, known by T2) never counts as in effect at T — a
 *   revocation cannot take effect before it is recorded — but is reported beside the status, with
 *   its invalidity date: the auditor's view of a key that was already compromised at T.
 */
import type { CertificateType } from '../application/events.js';
import type { RevocationReason } from './events.js';
import { statusAt, type CertificateStatus, type StatusRecord } from './status.js';

export type TimelineFact =
  | {
      readonly kind: 'issued';
      readonly recordedAt: string;
      readonly certificateType: CertificateType;
      readonly notAfter: string;
      readonly issuerKeyId: string;
      readonly municipalityCode: string;
    }
  | { readonly kind: 'held'; readonly recordedAt: string; readonly placedAt: string }
  | { readonly kind: 'hold-lifted'; readonly recordedAt: string; readonly liftedAt: string }
  | {
      readonly kind: 'revoked';
      readonly recordedAt: string;
      readonly reason: RevocationReason;
      readonly revokedAt: string;
      readonly effectiveAt: string;
      readonly invalidityDate?: string;
    };

type Revoked = Extract<TimelineFact, { kind: 'revoked' }>;

export type StatusAsOf =
  | { readonly status: 'unknown' }
  | (CertificateStatus & {
      readonly certificateType: CertificateType;
      readonly notAfter: string;
      /** A revocation recorded after T but by T2. */
      readonly revocationRecordedLater?: Omit<Revoked, 'kind' | 'recordedAt'>;
    });

const at = (iso: string): number => Date.parse(iso);

/**
 * The status record a certificate's facts (in log order) make — all of those given: the caller
 * chooses which were known. Like the live read model it keeps the latest hold and its lifting.
 */
export function recordOf(serialNumber: string, facts: readonly TimelineFact[]): StatusRecord | undefined {
  const issued = facts.find((f) => f.kind === 'issued');
  if (issued === undefined) return undefined;
  const heldAt = facts.findLastIndex((f) => f.kind === 'held');
  const held = facts[heldAt];
  const lifted = heldAt < 0 ? undefined : facts.slice(heldAt + 1).find((f) => f.kind === 'hold-lifted');
  const revoked = facts.find((f): f is Revoked => f.kind === 'revoked');
  return {
    serialNumber,
    certificateType: issued.certificateType,
    notAfter: issued.notAfter,
    ...(held?.kind === 'held' ? { holdPlacedAt: held.placedAt } : {}),
    ...(lifted?.kind === 'hold-lifted' ? { holdLiftedAt: lifted.liftedAt } : {}),
    ...(revoked === undefined
      ? {}
      : {
          revocation: {
            reason: revoked.reason,
            revokedAt: revoked.revokedAt,
            effectiveAt: revoked.effectiveAt,
            ...(revoked.invalidityDate === undefined ? {} : { invalidityDate: revoked.invalidityDate }),
          },
        }),
  };
}

export function statusAsOf(facts: readonly TimelineFact[], asOf: Date, knownAt: Date): StatusAsOf {
  const known = facts.filter((f) => at(f.recordedAt) <= knownAt.getTime());
  const issued = known.find((f) => f.kind === 'issued');
  if (issued === undefined || at(issued.recordedAt) > asOf.getTime()) return { status: 'unknown' };
  const revoked = known.find((f): f is Revoked => f.kind === 'revoked');
  const revokedBy = revoked !== undefined && at(revoked.recordedAt) <= asOf.getTime() ? revoked : undefined;
  // Holds and their lifting take effect when recorded: those recorded after T say nothing about T.
  const inEffect = known.filter((f) => (f.kind === 'revoked' ? f === revokedBy : f.kind === 'issued' || at(f.recordedAt) <= asOf.getTime()));
  const record = recordOf('', inEffect);
  if (record === undefined) return { status: 'unknown' };
  const status = statusAt(record, asOf);
  const later = revoked !== undefined && revokedBy === undefined ? revoked : undefined;
  return {
    ...status,
    certificateType: issued.certificateType,
    notAfter: issued.notAfter,
    ...(later === undefined
      ? {}
      : {
          revocationRecordedLater: {
            reason: later.reason,
            revokedAt: later.revokedAt,
            effectiveAt: later.effectiveAt,
            ...(later.invalidityDate === undefined ? {} : { invalidityDate: later.invalidityDate }),
          },
        }),
  };
}
