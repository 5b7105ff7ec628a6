/**
 * What a registry change means for each of the holder's certificates (domain page, "Registry
 * changes"; issue rules):
 * - a minor correction revokes nothing;
 * - a change of name, alias, address, date of birth or sex revokes the signing certificate
 *   (affiliationChanged); the user-authentication certificate carries none of them and stays;
 * - removal from the register revokes both (cessationOfOperation);
 * - emigration with continued use revokes the signing certificate as of the departure date and
 *   leaves the user-authentication certificate;
 * - an expired certificate is left alone;
 * - a signing certificate is cross-checked first: if its recorded four items are the notice's
 *   "after" values it already carries the new facts (nothing to do); if they are neither "before"
 *   nor "after" it is flagged as a discrepancy for an operator, not revoked.
 * Whether a certificate was already revoked is the certificate's own decider's to say.
 */
import type { CertificateType } from '../application/events.js';
import type { RevocationReason } from '../certificate/events.js';
import { jstInstant, parseIsoDate } from '../shared/calendar.js';
import type { CertificateOutcome, FourItems, RegistryChangeReceivedData } from './events.js';

export interface Candidate {
  readonly serialNumber: string;
  readonly certificateType: CertificateType;
  readonly notAfter: string;
  /** The four items the certificate carries (signing certificates only). */
  readonly items?: FourItems;
}

export type Action =
  | { readonly kind: 'revoke'; readonly reason: RevocationReason; readonly effectiveAt: Date }
  | { readonly kind: 'none'; readonly outcome: Exclude<CertificateOutcome, 'revoked' | 'revocation-scheduled' | 'already-revoked'> };

export interface PlannedCertificate {
  readonly serialNumber: string;
  readonly certificateType: CertificateType;
  readonly action: Action;
}

export interface Plan {
  readonly rule: 'four-item-change' | 'removal' | 'emigration-continued-use' | 'minor-correction';
  readonly certificates: readonly PlannedCertificate[];
}

/** Names and addresses compared as registered (NFC), spacing aside. */
const same = (a: string, b: string): boolean => a.normalize('NFC').replace(/[\s\u3000]+/gu, '') === b.normalize('NFC').replace(/[\s\u3000]+/gu, '');

export function itemsEqual(a: FourItems, b: FourItems): boolean {
  return same(a.name, b.name) && a.dateOfBirth === b.dateOfBirth && a.sex === b.sex && same(a.address, b.address);
}

function ruleOf(notice: RegistryChangeReceivedData): Plan['rule'] {
  if (notice.minor) return 'minor-correction';
  if (notice.kind === 'removal') return 'removal';
  if (notice.kind === 'emigration-continued-use') return 'emigration-continued-use';
  return 'four-item-change';
}

/** The signing certificate's cross-check: undefined when it carries the "before" facts (go ahead). */
function crossCheck(notice: RegistryChangeReceivedData, candidate: Candidate): Action | undefined {
  const items = candidate.items;
  if (items === undefined || itemsEqual(items, notice.personal.before)) return undefined;
  if (notice.personal.after !== null && itemsEqual(items, notice.personal.after)) return { kind: 'none', outcome: 'up-to-date' };
  return { kind: 'none', outcome: 'discrepancy' };
}

/** The instant a departure takes effect: 00:00 JST on the departure date, and never before now. */
function departureInstant(notice: RegistryChangeReceivedData, now: Date): Date {
  const date = notice.departureDate === undefined ? undefined : parseIsoDate(notice.departureDate);
  const at = date === undefined ? now : jstInstant(date, 0, 0, 0);
  return at.getTime() > now.getTime() ? at : now;
}

function actionFor(notice: RegistryChangeReceivedData, rule: Plan['rule'], candidate: Candidate, now: Date): Action {
  if (Date.parse(candidate.notAfter) < now.getTime()) return { kind: 'none', outcome: 'expired' };
  if (rule === 'minor-correction') return { kind: 'none', outcome: 'minor-correction' };
  const signing = candidate.certificateType === 'signing';
  if (!signing && rule !== 'removal') return { kind: 'none', outcome: 'not-affected' };
  const checked = signing ? crossCheck(notice, candidate) : undefined;
  if (checked !== undefined) return checked;
  if (rule === 'removal') return { kind: 'revoke', reason: 'cessationOfOperation', effectiveAt: now };
  if (rule === 'emigration-continued-use') return { kind: 'revoke', reason: 'affiliationChanged', effectiveAt: departureInstant(notice, now) };
  return { kind: 'revoke', reason: 'affiliationChanged', effectiveAt: now };
}

export function planFor(notice: RegistryChangeReceivedData, candidates: readonly Candidate[], now: Date): Plan {
  const rule = ruleOf(notice);
  return {
    rule,
    certificates: candidates.map((candidate) => ({
      serialNumber: candidate.serialNumber,
      certificateType: candidate.certificateType,
      action: actionFor(notice, rule, candidate, now),
    })),
  };
}

/** A certificate issued after the notice, carrying the facts the notice had already changed. */
export function issuedWithStaleData(notice: RegistryChangeReceivedData, certificateType: CertificateType, items: FourItems | undefined): boolean {
  if (notice.minor || certificateType !== 'signing' || items === undefined) return false;
  if (notice.kind === 'emigration-continued-use' || notice.kind === 'removal') return itemsEqual(items, notice.personal.before);
  return itemsEqual(items, notice.personal.before) && (notice.personal.after === null || !itemsEqual(items, notice.personal.after));
}
