/** Request schemas shared by the lifecycle routes (zod: the same validation names every bad field). */
import { z } from 'zod';
import { CERTIFICATE_TYPES, DOCUMENT_TYPES, IDENTITY_METHODS, SEXES } from '../../domain/application/events.js';
import { HOLD_LIFT_CAUSES, HOLD_REPORTERS, LEGAL_GROUNDS, REVOCATION_REASONS } from '../../domain/certificate/events.js';

/** Serial numbers as openssl prints them; lowercase is accepted and normalised. */
export const serialNumber = z
  .string()
  .regex(/^[0-9A-Fa-f]{2,64}$/, { error: 'must be the serial number in hex, as openssl x509 -serial prints it' })
  .transform((s) => s.toUpperCase());

export const serialParams = z.object({ serial: serialNumber });
export const applicationParams = z.object({ id: z.uuid({ error: 'must be an application id (a UUID)' }) });
export const certificateTypeParams = z.object({ type: z.enum(CERTIFICATE_TYPES) });

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * The fields that run over several lines: the edge (api/text-check.ts) lets TAB, LF and CR through
 * in these and nowhere else. A CSR's PEM, a note, a reason; names, addresses and codes are one line.
 */
export const MULTI_LINE_FIELDS: ReadonlySet<string> = new Set(['body.csr', 'body.note', 'body.reason']);

export const applicationBody = z.object({
  certificateType: z.enum(CERTIFICATE_TYPES),
  municipalityCode: z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit local government code' }),
  applicant: z.object({
    residentRecordCode: z.string().regex(/^\d{11}$/, { error: 'must be the 11-digit resident record code' }),
    name: text(100),
    nameKana: text(100),
    dateOfBirth: z.iso.date({ error: 'must be a date, YYYY-MM-DD' }),
    sex: z.enum(SEXES),
    address: text(200),
    alternativeCharacters: z.object({ name: text(100).optional(), address: text(200).optional() }).optional(),
  }),
  renewalOf: serialNumber.optional(),
});

export const identityVerificationBody = z.object({
  result: z.enum(['verified', 'failed']),
  method: z.enum(IDENTITY_METHODS),
  documentType: z.enum(DOCUMENT_TYPES),
  note: z.string().max(500).optional(),
});

export const publicKeyBody = z.object({
  csr: z.string().min(1).max(20_000).regex(/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/, { error: 'must be a PKCS#10 request in PEM' }),
});

export const closeBody = z.object({ reason: z.string().trim().min(1).max(500) });
/** A withdrawal may come with no body at all (fastify then sees null). */
export const withdrawBody = z.object({ reason: z.string().trim().min(1).max(500).optional() }).nullish();

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant with a time zone' });

export const revocationBody = z.object({
  reason: z.enum(REVOCATION_REASONS),
  legalGround: z.enum(LEGAL_GROUNDS),
  effectiveAt: instant.optional(),
  invalidityDate: instant.optional(),
});

export const holdBody = z.object({ reportedBy: z.enum(HOLD_REPORTERS) });
export const holdLiftBody = z.object({ cause: z.enum(HOLD_LIFT_CAUSES) });

export function purposeQuery(purposes: readonly string[]) {
  return z.object({ purpose: z.enum(purposes as [string, ...string[]]).optional() });
}

/** A global position, as replies carry it: a decimal string. */
export const positionQuery = z.object({
  minPosition: z
    .string()
    .regex(/^\d{1,20}$/, { error: 'must be a global position (a decimal number) from an earlier reply' })
    .transform((p) => BigInt(p))
    .optional(),
});

const pastInstant = z.iso
  .datetime({ offset: true, error: 'must be an instant with a time zone, e.g. 2026-03-03T14:03:00+09:00' })
  .transform((s) => new Date(s))
  .optional();

/** An auditor's time travel: the instant looked at, and (bitemporal) the instant looked from. */
export const asOfQuery = z.object({ asOf: pastInstant, knownAt: pastInstant });
