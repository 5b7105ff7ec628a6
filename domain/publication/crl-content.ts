/**
 * What a CRL says at an instant, by the same rule as the status API (statusAt): a certificate is
 * listed while it is revoked (reason and invalidity date) or on hold (certificateHold), and drops off
 * once past notAfter. A revocation recorded for a later instant is listed from that instant.
 */
import type { RevocationReason } from '../certificate/events.js';
import { statusAt, type StatusRecord } from '../certificate/status.js';

/** What a CRL of this ledger can say: a revocation's reason, a hold, and (delta only) a lifted hold. */
export type CrlReasonName = RevocationReason | 'certificateHold' | 'removeFromCRL';

export interface CrlListing {
  readonly serialNumber: string;
  readonly revocationDate: string;
  readonly reason: CrlReasonName;
  readonly invalidityDate?: string;
}

export function listingAt(record: StatusRecord, at: Date): CrlListing | undefined {
  const status = statusAt(record, at);
  if (status.status === 'revoked') {
    return {
      serialNumber: record.serialNumber,
      revocationDate: status.effectiveAt,
      reason: status.reason,
      ...(status.invalidityDate === undefined ? {} : { invalidityDate: status.invalidityDate }),
    };
  }
  if (status.status === 'on-hold') return { serialNumber: record.serialNumber, revocationDate: status.effectiveAt, reason: 'certificateHold' };
  return undefined;
}

export function listingsAt(records: Iterable<StatusRecord>, at: Date): CrlListing[] {
  const listings: CrlListing[] = [];
  for (const record of records) {
    const listing = listingAt(record, at);
    if (listing !== undefined) listings.push(listing);
  }
  return listings;
}

/**
 * The delta CRL: what the CRL lists at `at` and did not list at `baseAt` (or listed with another
 * reason, as when a hold became a revocation), and — for a hold lifted since (policy option) —
 * `removeFromCRL`. Entries that left the list by expiring are simply not repeated (RFC 5280 lets
 * expired entries drop), so a hold that left is marked only if its certificate is good at `at`.
 * `now` is what the full CRL lists at `at`, when the caller has it already.
 */
export function deltaListings(records: readonly StatusRecord[], baseAt: Date, at: Date, now: readonly CrlListing[] = listingsAt(records, at)): CrlListing[] {
  const base = listingsAt(records, baseAt);
  const before = new Map(base.map((l) => [l.serialNumber, l]));
  const added = now.filter((l) => {
    const was = before.get(l.serialNumber);
    return was === undefined || was.reason !== l.reason;
  });
  const goodNow = new Set(records.filter((r) => statusAt(r, at).status === 'good').map((r) => r.serialNumber));
  const removed = base
    .filter((l) => l.reason === 'certificateHold' && goodNow.has(l.serialNumber))
    .map((l): CrlListing => ({ serialNumber: l.serialNumber, revocationDate: l.revocationDate, reason: 'removeFromCRL' }));
  return [...added, ...removed];
}
