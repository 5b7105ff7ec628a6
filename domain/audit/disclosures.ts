/**
 * A resident's request to know who accessed their information (開示請求), made through an auditor:
 * every recorded access to that holder — when, which organisation, why, which items. The request
 * itself reads the resident record code, so it is recorded as an access before anything is answered
 * (it appears in the next answer, not its own).
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Purpose } from '../access/purposes.js';
import { recordAccess } from '../access/record-access.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/event-store.js';
import type { HolderRefs, IdSource } from '../ports/ids.js';
import type { AccessRecords, DisclosureRecord } from '../ports/registers.js';
import type { Caller } from '../shared/caller.js';
import { policyViolation, type DomainError } from '../shared/errors.js';

export const DISCLOSURE_PURPOSE = 'disclosure-request';

export interface DisclosureDeps {
  readonly store: EventStore;
  readonly ids: IdSource;
  readonly clock: Clock;
  readonly holderRefs: HolderRefs;
  readonly purposes: readonly Purpose[];
  readonly accessRecords: AccessRecords;
}

export async function disclosuresOf(
  deps: DisclosureDeps,
  caller: Caller,
  residentRecordCode: string,
): Promise<E.Either<DomainError, { readonly disclosures: readonly DisclosureRecord[]; readonly recordedAt: bigint }>> {
  const purpose = deps.purposes.find((p) => p.name === DISCLOSURE_PURPOSE);
  if (purpose === undefined) return E.left(policyViolation('purpose-not-configured', `The purpose ${DISCLOSURE_PURPOSE} is not configured.`));
  const holderRef = deps.holderRefs.of(residentRecordCode);
  const municipalityCode = deps.accessRecords.municipalityOf(holderRef);
  const disclosures = deps.accessRecords.disclosuresOf(holderRef);
  const recordedAt = await recordAccess(deps, caller, {
    function: 'audit.disclosures',
    purpose: purpose.name,
    purposeStated: true,
    legalBasis: purpose.legalBasis,
    items: ['residentRecordCode'],
    holderRef,
    ...(municipalityCode === undefined ? {} : { municipalityCode }),
    subject: { kind: 'disclosure-request', id: caller.correlationId },
    recipient: caller.actor.organisation,
    accessedAt: deps.clock.now().toISOString(),
  });
  return E.right({ disclosures, recordedAt });
}
