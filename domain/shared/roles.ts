/** The roles a caller can act in. Every route and command names the roles it admits. */
export const ROLES = [
  'municipal-clerk',
  'prefectural-operator',
  'registry-feed',
  'auditor',
  'privacy-council',
  'relying-party',
] as const;

export type Role = (typeof ROLES)[number];

/** Roles that act for one municipality and must carry its 6-digit local government code. */
export const MUNICIPAL_ROLES: readonly Role[] = ['municipal-clerk'];
