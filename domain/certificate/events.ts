/**
 * Events of a certificate (stream `certificate-<SERIAL>`, the serial in uppercase hex as openssl
 * prints it). The certificate DER of a signing certificate carries the basic four information, so
 * the DER is kept in `personal`, for every type alike.
 */
import { z } from 'zod';
import { CERTIFICATE_TYPES } from '../application/events.js';

export const REVOCATION_REASONS = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'] as const;
export const LEGAL_GROUNDS = ['holder-request', 'key-compromise', 'registry-change', 'record-error', 'issuer-compromise'] as const;
export const HOLD_REPORTERS = ['call-centre', 'holder', 'municipality'] as const;
/** Why a hold ends without a revocation (only where the lifting policy is on): the card turned up, or the report was withdrawn. */
export const HOLD_LIFT_CAUSES = ['card-found', 'report-withdrawn'] as const;

export type RevocationReason = (typeof REVOCATION_REASONS)[number];
export type LegalGround = (typeof LEGAL_GROUNDS)[number];
export type HoldLiftCause = (typeof HOLD_LIFT_CAUSES)[number];

const isoInstant = z.iso.datetime({ offset: true });
const serial = z.string().regex(/^[0-9A-F]+$/);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const certificateIssued = z.object({
  type: z.literal('CertificateIssued'),
  data: z.object({
    serialNumber: serial,
    applicationId: z.uuid(),
    certificateType: z.enum(CERTIFICATE_TYPES),
    municipalityCode: z.string().regex(/^\d{6}$/),
    holderRef: sha256,
    issuerKeyId: sha256,
    tbsSha256: sha256,
    notBefore: isoInstant,
    notAfter: isoInstant,
    renewalOf: serial.optional(),
    issuedAt: isoInstant,
    personal: z.object({ certificate: z.string().min(1) }),
  }),
});

export const certificateDelivered = z.object({
  type: z.literal('CertificateDelivered'),
  data: z.object({ serialNumber: serial, deliveredAt: isoInstant }),
});

export const certificateHoldPlaced = z.object({
  type: z.literal('CertificateHoldPlaced'),
  data: z.object({ serialNumber: serial, reportedBy: z.enum(HOLD_REPORTERS), placedAt: isoInstant }),
});

export const certificateHoldLifted = z.object({
  type: z.literal('CertificateHoldLifted'),
  data: z.object({ serialNumber: serial, cause: z.enum(HOLD_LIFT_CAUSES), liftedAt: isoInstant }),
});

export const certificateRevoked = z.object({
  type: z.literal('CertificateRevoked'),
  data: z.object({
    serialNumber: serial,
    reason: z.enum(REVOCATION_REASONS),
    legalGround: z.enum(LEGAL_GROUNDS),
    /** When the revocation was recorded. */
    revokedAt: isoInstant,
    /** When it takes effect: revokedAt, or a later instant (emigration with continued use). */
    effectiveAt: isoInstant,
    /** When the key is known or suspected to have been compromised, if earlier (RFC 5280 invalidity date). */
    invalidityDate: isoInstant.optional(),
    supersededBy: serial.optional(),
  }),
});

export const certificateEvent = z.discriminatedUnion('type', [certificateIssued, certificateDelivered, certificateHoldPlaced, certificateHoldLifted, certificateRevoked]);
export type CertificateEvent = z.infer<typeof certificateEvent>;
export type CertificateIssuedData = z.infer<typeof certificateIssued>['data'];
export type CertificateRevokedData = z.infer<typeof certificateRevoked>['data'];
