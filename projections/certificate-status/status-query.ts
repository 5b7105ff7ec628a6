/**
 * `GET /v1/certificates/{serial}/status`: the status at the ledger's clock, from the certificate-
 * status read model, saying which global position it reflects. Discloses no personal information.
 */
import * as E from 'fp-ts/lib/Either.js';
import { statusAsOf, type StatusAsOf } from '../../domain/certificate/status-as-of.js';
import { statusAt } from '../../domain/certificate/status.js';
import type { Clock } from '../../domain/ports/clock.js';
import { mayActFor, type Caller } from '../../domain/shared/caller.js';
import { forbidden, notYetConsistent, policyViolation, type DomainError } from '../../domain/shared/errors.js';
import type { CertificateStatusQueries } from './certificate-status.js';
import type { CertificateTimeline } from './certificate-timeline.js';

export interface Freshness {
  readonly position: bigint;
  waitFor(position: bigint, timeoutMs: number): Promise<boolean>;
}

export interface StatusView {
  readonly serialNumber: string;
  readonly type?: string;
  readonly status: 'good' | 'revoked' | 'on-hold' | 'expired' | 'unknown';
  readonly reason?: string;
  readonly revokedAt?: string;
  readonly effectiveAt?: string;
  readonly invalidityDate?: string;
  readonly scheduledRevocation?: { readonly reason: string; readonly revokedAt: string; readonly effectiveAt: string };
  readonly notAfter?: string;
  readonly position: string;
}

/** How long a query with ?minPosition= waits for the read model to catch up. */
export const MIN_POSITION_WAIT_MS = 2000;

export async function certificateStatus(
  deps: { readonly queries: CertificateStatusQueries; readonly freshness: Freshness; readonly clock: Clock },
  caller: Caller,
  serialNumber: string,
  minPosition: bigint | undefined,
): Promise<E.Either<DomainError, StatusView>> {
  if (minPosition !== undefined && !(await deps.freshness.waitFor(minPosition, MIN_POSITION_WAIT_MS))) {
    return E.left(notYetConsistent(minPosition, deps.freshness.position));
  }
  const position = deps.freshness.position.toString();
  const record = deps.queries.bySerial(serialNumber);
  if (record === undefined) return E.right({ serialNumber, status: 'unknown', position });
  const refused = mayActFor(caller, record.municipalityCode);
  if (refused !== undefined) return E.left(refused);
  return E.right({ serialNumber, type: record.certificateType, ...statusAt(record, deps.clock.now()), notAfter: record.notAfter, position });
}

export type AsOfView = StatusAsOf & { readonly serialNumber: string; readonly asOf: string; readonly knownAt: string; readonly position: string };

/**
 * `?asOf=T[&knownAt=T2]` (auditors): the status as the ledger would have answered it at T — or, with
 * T2 later than T, what it had recorded by T2 about the instant T. Both instants in the past.
 */
export function certificateStatusAsOf(
  deps: { readonly timeline: CertificateTimeline; readonly freshness: Freshness; readonly clock: Clock },
  caller: Caller,
  serialNumber: string,
  asOf: Date | undefined,
  knownAt: Date | undefined,
): E.Either<DomainError, AsOfView> {
  if (caller.actor.role !== 'auditor') return E.left(forbidden('as-of-for-auditors', 'Only auditors ask for a status as of a past instant.'));
  if (asOf === undefined) return E.left(policyViolation('known-at-needs-as-of', 'knownAt says when to look from; give asOf, the instant to look at.', 'query.knownAt'));
  const known = knownAt ?? asOf;
  const now = deps.clock.now();
  if (asOf.getTime() > now.getTime()) return E.left(policyViolation('as-of-in-the-future', 'asOf must not be later than now: the ledger answers for the past.', 'query.asOf'));
  if (known.getTime() > now.getTime()) return E.left(policyViolation('known-at-in-the-future', 'knownAt must not be later than now.', 'query.knownAt'));
  if (known.getTime() < asOf.getTime()) return E.left(policyViolation('known-before-as-of', 'knownAt must not be earlier than asOf.', 'query.knownAt'));
  const status = statusAsOf(deps.timeline.factsOf(serialNumber, known), asOf, known);
  return E.right({ serialNumber, asOf: asOf.toISOString(), knownAt: known.toISOString(), ...status, position: deps.freshness.position.toString() });
}
