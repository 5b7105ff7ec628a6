/**
 * Why personal information is read. A caller names a purpose from the configured list; when it
 * names none, the role's default duty is recorded, marked as unstated, so reports can count them.
 */
import type { Role } from '../shared/roles.js';

export interface Purpose {
  readonly name: string;
  readonly legalBasis: string;
}

/** Defaults; the legal bases are descriptions for the reports, to be replaced by the operator's own citations. */
export const DEFAULT_PURPOSES: readonly Purpose[] = [
  { name: 'application-processing', legalBasis: 'JPKI Act: application for issuance at the municipality' },
  { name: 'certificate-administration', legalBasis: 'JPKI Act: issuance and revocation records of the issuer' },
  { name: 'registry-matching', legalBasis: 'JPKI Act art. 12: change-driven revocation information' },
  { name: 'audit', legalBasis: 'JPKI Act: inspection of the issuer’s records' },
  { name: 'disclosure-request', legalBasis: 'Personal information protection law: the holder’s own request' },
  { name: 'inquiry-response', legalBasis: 'JPKI Act: identity inquiry for an application' },
];

export const ROLE_DUTIES: Readonly<Record<Role, string>> = {
  'municipal-clerk': 'application-processing',
  'prefectural-operator': 'certificate-administration',
  'registry-feed': 'registry-matching',
  auditor: 'audit',
  'privacy-council': 'audit',
  'relying-party': 'certificate-administration',
};

export type PurposeChoice = { readonly ok: true; readonly purpose: Purpose; readonly stated: boolean } | { readonly ok: false; readonly allowed: readonly string[] };

export function choosePurpose(purposes: readonly Purpose[], role: Role, requested: string | undefined): PurposeChoice {
  const name = requested ?? ROLE_DUTIES[role];
  const purpose = purposes.find((p) => p.name === name);
  if (purpose === undefined) return { ok: false, allowed: purposes.map((p) => p.name) };
  return { ok: true, purpose, stated: requested !== undefined };
}
