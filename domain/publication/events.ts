/**
 * Every CRL issued is recorded (stream `crl-<issuerKeyId>-<scope>`: `full` for the full CRL and its
 * deltas, which share one numbering, or a municipality code for its partition). The stream's order
 * makes CRL numbers increase per scope, across restarts and processes.
 */
import { z } from 'zod';
import { CERTIFICATE_TYPES } from '../application/events.js';

export const crlPublished = z.object({
  type: z.literal('CrlPublished'),
  data: z.object({
    certificateType: z.enum(CERTIFICATE_TYPES),
    issuerKeyId: z.string().regex(/^[0-9a-f]{64}$/),
    /** `full`, `delta`, or the municipality code of a partition. */
    partition: z.string().regex(/^(full|delta|\d{6})$/),
    /** Decimal: CRL numbers are INTEGERs of up to 20 octets. */
    crlNumber: z.string().regex(/^\d+$/),
    baseCrlNumber: z.string().regex(/^\d+$/).optional(),
    thisUpdate: z.iso.datetime({ offset: true }),
    nextUpdate: z.iso.datetime({ offset: true }),
    entryCount: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    tbsSha256: z.string().regex(/^[0-9a-f]{64}$/),
    /**
     * The global position the certificate-status read model had folded to when the content was read:
     * the content is the CA's holds and revocations recorded up to there, as in effect at thisUpdate.
     * (Absent from CRLs published before it was recorded.)
     */
    basedOnPosition: z.string().regex(/^\d+$/).optional(),
  }),
});
export type CrlPublished = z.infer<typeof crlPublished>;

export const crlStream = (issuerKeyId: string, scope: string): string => `crl-${issuerKeyId}-${scope}`;
