/** Delivery, holds and revocations: load the certificate, check the caller's municipality, decide, append. */
import * as E from 'fp-ts/lib/Either.js';
import type { Clock } from '../ports/clock.js';
import { commandContext, mayActFor, type Caller } from '../shared/caller.js';
import { handleCommand, load, type HandlerDeps } from '../shared/command-handler.js';
import { notFound, type DomainError } from '../shared/errors.js';
import { certificateAggregate } from './aggregate.js';
import type { CertificateCommand } from './decide.js';
import { certificateStream } from './decider.js';
import type { HoldLiftCause, LegalGround, RevocationReason } from './events.js';

export interface CertificateServiceDeps extends HandlerDeps {
  readonly clock: Clock;
}

async function onCertificate(
  deps: CertificateServiceDeps,
  caller: Caller,
  serialNumber: string,
  command: CertificateCommand,
): Promise<E.Either<DomainError, { readonly position: bigint }>> {
  const stream = certificateStream(serialNumber);
  const loaded = await load(deps.store, certificateAggregate, stream);
  const { state } = loaded;
  if (state.status === 'none') return E.left(notFound('certificate-not-found', 'There is no certificate with this serial number.'));
  const refused = mayActFor(caller, state.facts.municipalityCode);
  if (refused !== undefined) return E.left(refused);
  // The command decides on the stream as read here, and appends with the revision it read.
  const handled = await handleCommand(deps, certificateAggregate, stream, command, commandContext(caller), loaded);
  return E.map((h: { position: bigint }) => ({ position: h.position }))(handled);
}

export function recordDelivery(deps: CertificateServiceDeps, caller: Caller, serialNumber: string) {
  return onCertificate(deps, caller, serialNumber, { type: 'RecordDelivery', now: deps.clock.now() });
}

export function placeHold(deps: CertificateServiceDeps, caller: Caller, serialNumber: string, reportedBy: 'call-centre' | 'holder' | 'municipality') {
  return onCertificate(deps, caller, serialNumber, { type: 'PlaceHold', reportedBy, now: deps.clock.now() });
}

/** `holdLifting`: the policy option (off by default: a hold ends in revocation). */
export function liftHold(deps: CertificateServiceDeps & { readonly holdLifting: boolean }, caller: Caller, serialNumber: string, cause: HoldLiftCause) {
  return onCertificate(deps, caller, serialNumber, { type: 'LiftHold', cause, liftingAllowed: deps.holdLifting, now: deps.clock.now() });
}

export function revokeCertificate(
  deps: CertificateServiceDeps,
  caller: Caller,
  serialNumber: string,
  input: { readonly reason: RevocationReason; readonly legalGround: LegalGround; readonly effectiveAt?: Date; readonly invalidityDate?: Date },
) {
  return onCertificate(deps, caller, serialNumber, { type: 'Revoke', ...input, now: deps.clock.now() });
}
