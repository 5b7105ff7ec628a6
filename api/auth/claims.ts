/**
 * Bearer-token claims: `sub`, `role`, `organisation`, and `municipality` (6-digit local government
 * code) for municipal staff. The server and `ledger token` share this schema.
 */
import { z } from 'zod';
import { MUNICIPAL_ROLES, ROLES, type Role } from '../../domain/shared/roles.js';

export const municipalityCode = z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit local government code' });

export const claimsSchema = z
  .object({
    sub: z.string().min(1).max(200),
    role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
    organisation: z.string().min(1).max(200),
    municipality: municipalityCode.optional(),
  })
  .refine((claims) => !MUNICIPAL_ROLES.includes(claims.role) || claims.municipality !== undefined, {
    error: 'municipal staff tokens must carry a municipality',
    path: ['municipality'],
  });

export type Claims = z.infer<typeof claimsSchema>;

/** Who is calling, as established from a verified token. */
export interface Principal {
  readonly id: string;
  readonly role: Role;
  readonly organisation: string;
  readonly municipality?: string;
}

export function principalOf(claims: Claims): Principal {
  return {
    id: claims.sub,
    role: claims.role,
    organisation: claims.organisation,
    ...(claims.municipality === undefined ? {} : { municipality: claims.municipality }),
  };
}
