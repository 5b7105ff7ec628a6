/**
 * `GET /v1/certificates/{serial}/status`: the status at the ledger's clock, from the certificate-
 * status read model, saying which global position it reflects. Discloses no personal information.
 */
import * as E from 'fp-ts/lib/Either.js';
import { statusAt } from '../../domain/certificate/status.js';
import type { Clock } from '../../domain/ports/clock.js';
import { mayActFor, type Caller } from '../../domain/shared/caller.js';
import { notYetConsistent, type DomainError } from '../../domain/shared/errors.js';
import type { CertificateStatusQueries } from './certificate-status.js';

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
