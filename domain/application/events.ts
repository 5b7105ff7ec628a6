/**
 * Events of an application (stream `application-<id>`). Zod schemas, so that what is read back from
 * the store is validated by the same definitions; types are inferred, never written by hand.
 * Personal information (the basic four information, the resident record code, the kana name and the
 * designated alternative characters) is only ever in the `personal` sub-object.
 */
import { z } from 'zod';

export const CERTIFICATE_TYPES = ['signing', 'user-authentication'] as const;
export const SEXES = ['male', 'female', 'not-applicable'] as const;
export const IDENTITY_METHODS = ['photo-id', 'inquiry-letter', 'proxy-inquiry'] as const;
export const DOCUMENT_TYPES = ['passport', 'driver-license', 'my-number-card', 'juki-card', 'residence-card', 'other-photo-id'] as const;

const isoInstant = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const hex = z.string().regex(/^[0-9A-F]+$/);

export const applicantPersonal = z.object({
  residentRecordCode: z.string().regex(/^\d{11}$/),
  name: z.string().min(1),
  nameKana: z.string().min(1),
  dateOfBirth: isoDate,
  sex: z.enum(SEXES),
  address: z.string().min(1),
  alternativeCharacters: z.object({ name: z.string().optional(), address: z.string().optional() }).optional(),
});
export type ApplicantPersonal = z.infer<typeof applicantPersonal>;

export const applicationSubmitted = z.object({
  type: z.literal('ApplicationSubmitted'),
  data: z.object({
    applicationId: z.uuid(),
    certificateType: z.enum(CERTIFICATE_TYPES),
    municipalityCode: z.string().regex(/^\d{6}$/),
    /** Keyed hash of the resident record code: the holder's pseudonym everywhere outside `personal`. */
    holderRef: z.string().regex(/^[0-9a-f]{64}$/),
    renewalOf: hex.optional(),
    submittedAt: isoInstant,
    personal: applicantPersonal,
  }),
});

export const identityVerified = z.object({
  type: z.literal('IdentityVerified'),
  data: z.object({
    applicationId: z.uuid(),
    method: z.enum(IDENTITY_METHODS),
    documentType: z.enum(DOCUMENT_TYPES),
    verifiedAt: isoInstant,
    note: z.string().optional(),
  }),
});

export const identityVerificationFailed = z.object({
  type: z.literal('IdentityVerificationFailed'),
  data: z.object({
    applicationId: z.uuid(),
    method: z.enum(IDENTITY_METHODS),
    documentType: z.enum(DOCUMENT_TYPES),
    failedAt: isoInstant,
    note: z.string().optional(),
  }),
});

export const publicKeyAccepted = z.object({
  type: z.literal('PublicKeyAccepted'),
  data: z.object({
    applicationId: z.uuid(),
    /** base64 SubjectPublicKeyInfo DER. */
    subjectPublicKeyInfo: z.string().min(1),
    publicKeySha256: z.string().regex(/^[0-9a-f]{64}$/),
    keyDescription: z.string(),
    acceptedAt: isoInstant,
  }),
});

/** What is about to be signed, recorded before the signature is asked for. */
export const certificateIssuancePrepared = z.object({
  type: z.literal('CertificateIssuancePrepared'),
  data: z.object({
    applicationId: z.uuid(),
    serialNumber: hex,
    issuerKeyId: z.string().regex(/^[0-9a-f]{64}$/),
    tbsSha256: z.string().regex(/^[0-9a-f]{64}$/),
    notBefore: isoInstant,
    notAfter: isoInstant,
    preparedAt: isoInstant,
  }),
});

export const applicationIssued = z.object({
  type: z.literal('ApplicationIssued'),
  data: z.object({ applicationId: z.uuid(), serialNumber: hex, issuedAt: isoInstant }),
});

export const applicationWithdrawn = z.object({
  type: z.literal('ApplicationWithdrawn'),
  data: z.object({ applicationId: z.uuid(), withdrawnAt: isoInstant, reason: z.string().optional() }),
});

export const applicationRejected = z.object({
  type: z.literal('ApplicationRejected'),
  data: z.object({ applicationId: z.uuid(), rejectedAt: isoInstant, reason: z.string().min(1) }),
});

export const applicationEvent = z.discriminatedUnion('type', [
  applicationSubmitted,
  identityVerified,
  identityVerificationFailed,
  publicKeyAccepted,
  certificateIssuancePrepared,
  applicationIssued,
  applicationWithdrawn,
  applicationRejected,
]);

export type ApplicationEvent = z.infer<typeof applicationEvent>;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];
