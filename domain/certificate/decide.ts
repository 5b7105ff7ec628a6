/**
 * The rules of a certificate's life: issued → delivered; issued or delivered → on hold → revoked;
 * issued or delivered → revoked; nothing leaves revoked. As in JPKI a hold ends in revocation:
 * lifting it (on hold → issued) is a policy option, refused unless the command says the policy
 * allows it. A revocation may take effect later than it is recorded (emigration with continued
 * use), never earlier; an earlier compromise is an invalidity date. `unspecified` is the reason for
 * a certificate destroyed before delivery.
 */
import * as E from 'fp-ts/lib/Either.js';
import { invalidTransition, notFound, policyViolation, type DomainError } from '../shared/errors.js';
import type { CertificateEvent, CertificateIssuedData, HoldLiftCause, LegalGround, RevocationReason } from './events.js';
import type { CertificateState } from './state.js';

export type CertificateCommand =
  | { readonly type: 'RecordIssuedCertificate'; readonly certificate: Omit<CertificateIssuedData, 'issuedAt'>; readonly now: Date }
  | { readonly type: 'RecordDelivery'; readonly now: Date }
  | { readonly type: 'PlaceHold'; readonly reportedBy: 'call-centre' | 'holder' | 'municipality'; readonly now: Date }
  | { readonly type: 'LiftHold'; readonly cause: HoldLiftCause; readonly liftingAllowed: boolean; readonly now: Date }
  | {
      readonly type: 'Revoke';
      readonly reason: RevocationReason;
      readonly legalGround: LegalGround;
      readonly effectiveAt?: Date;
      readonly invalidityDate?: Date;
      readonly supersededBy?: string;
      readonly now: Date;
    };

type Decision = E.Either<DomainError, readonly CertificateEvent[]>;
type Live = Extract<CertificateState, { status: 'issued' | 'on-hold' }>;

const missing = (): Decision => E.left(notFound('certificate-not-found', 'There is no certificate with this serial number.'));

function alreadyRevoked(state: Extract<CertificateState, { status: 'revoked' }>): Decision {
  const { reason, revokedAt, effectiveAt } = state.revocation;
  return E.left(
    invalidTransition('already-revoked', `The certificate was already revoked (${reason}, recorded ${revokedAt}, effective ${effectiveAt}).`, {
      reason,
      revokedAt,
      effectiveAt,
    }),
  );
}

function expired(state: Live, now: Date): boolean {
  return now.getTime() > Date.parse(state.facts.notAfter);
}

function deliver(state: CertificateState, now: Date): Decision {
  if (state.status === 'none') return missing();
  if (state.status === 'revoked') return alreadyRevoked(state);
  if (state.status === 'on-hold') return E.left(invalidTransition('certificate-on-hold', 'A certificate on hold cannot be delivered.'));
  if (state.delivered) return E.left(invalidTransition('already-delivered', 'The certificate has already been delivered.'));
  return E.right([{ type: 'CertificateDelivered', data: { serialNumber: state.facts.serialNumber, deliveredAt: now.toISOString() } }]);
}

function hold(state: CertificateState, command: Extract<CertificateCommand, { type: 'PlaceHold' }>): Decision {
  if (state.status === 'none') return missing();
  if (state.status === 'revoked') return alreadyRevoked(state);
  if (state.status === 'on-hold') return E.left(invalidTransition('already-on-hold', `The certificate has been on hold since ${state.holdPlacedAt}.`));
  if (expired(state, command.now)) return E.left(policyViolation('certificate-expired', 'The certificate has expired.'));
  return E.right([{ type: 'CertificateHoldPlaced', data: { serialNumber: state.facts.serialNumber, reportedBy: command.reportedBy, placedAt: command.now.toISOString() } }]);
}

function lift(state: CertificateState, command: Extract<CertificateCommand, { type: 'LiftHold' }>): Decision {
  if (state.status === 'none') return missing();
  if (!command.liftingAllowed) {
    return E.left(policyViolation('hold-lifting-disabled', 'A hold ends in revocation here: lifting holds is off by policy (LEDGER_HOLD_LIFTING).'));
  }
  if (state.status === 'revoked') return alreadyRevoked(state);
  if (state.status !== 'on-hold') return E.left(invalidTransition('not-on-hold', 'The certificate is not on hold.'));
  if (expired(state, command.now)) return E.left(policyViolation('certificate-expired', 'The certificate has expired.'));
  return E.right([{ type: 'CertificateHoldLifted', data: { serialNumber: state.facts.serialNumber, cause: command.cause, liftedAt: command.now.toISOString() } }]);
}

function revoke(state: CertificateState, command: Extract<CertificateCommand, { type: 'Revoke' }>): Decision {
  if (state.status === 'none') return missing();
  if (state.status === 'revoked') return alreadyRevoked(state);
  const { now } = command;
  if (expired(state, now)) return E.left(policyViolation('certificate-expired', 'The certificate has expired; there is nothing to revoke.'));
  const effectiveAt = command.effectiveAt ?? now;
  if (effectiveAt.getTime() < now.getTime()) {
    return E.left(policyViolation('effective-at-in-the-past', 'A revocation cannot take effect before it is recorded; give an invalidity date instead.', 'effectiveAt'));
  }
  if (command.invalidityDate !== undefined && command.invalidityDate.getTime() > now.getTime()) {
    return E.left(policyViolation('invalidity-date-in-the-future', 'The invalidity date is when the key was (suspected) compromised; it cannot be in the future.', 'invalidityDate'));
  }
  if (command.reason === 'unspecified' && state.delivered) {
    return E.left(policyViolation('unspecified-after-delivery', '`unspecified` is for a certificate destroyed before delivery; give the reason that applies.', 'reason'));
  }
  return E.right([
    {
      type: 'CertificateRevoked',
      data: {
        serialNumber: state.facts.serialNumber,
        reason: command.reason,
        legalGround: command.legalGround,
        revokedAt: now.toISOString(),
        effectiveAt: effectiveAt.toISOString(),
        ...(command.invalidityDate === undefined ? {} : { invalidityDate: command.invalidityDate.toISOString() }),
        ...(command.supersededBy === undefined ? {} : { supersededBy: command.supersededBy }),
      },
    },
  ]);
}

export function decideCertificate(command: CertificateCommand, state: CertificateState): Decision {
  switch (command.type) {
    case 'RecordIssuedCertificate':
      if (state.status !== 'none') return E.left(invalidTransition('certificate-exists', 'A certificate with this serial number already exists.'));
      return E.right([{ type: 'CertificateIssued', data: { ...command.certificate, issuedAt: command.now.toISOString() } }]);
    case 'RecordDelivery':
      return deliver(state, command.now);
    case 'PlaceHold':
      return hold(state, command);
    case 'LiftHold':
      return lift(state, command);
    case 'Revoke':
      return revoke(state, command);
  }
}
