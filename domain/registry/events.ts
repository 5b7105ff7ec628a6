/**
 * Registry change notices (異動等情報), one stream per notice (`registry-change-<noticeId>`): the
 * notice as received, what matching decided for each of the holder's certificates (and the reply
 * to the register side, recorded with it), and discrepancies found later (a certificate issued with
 * data the notice had already changed). The register's data — resident record code, the four items
 * before and after — is only ever in `personal`.
 */
import { z } from 'zod';
import { CERTIFICATE_TYPES, SEXES } from '../application/events.js';

export const NOTICE_KINDS = ['name', 'alias', 'address', 'date-of-birth', 'sex', 'removal', 'emigration-continued-use'] as const;
export const REMOVAL_CAUSES = ['death', 'emigration', 'other'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const fourItems = z.object({
  name: z.string().min(1),
  dateOfBirth: z.iso.date(),
  sex: z.enum(SEXES),
  address: z.string().min(1),
});
export type FourItems = z.infer<typeof fourItems>;

/** The register's id for a notice: it names a stream and a URL, so it keeps to safe characters. */
export const noticeId = z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, { error: 'must be 1–100 letters, digits or . _ : -' });

const isoDate = z.iso.date();
const isoInstant = z.iso.datetime({ offset: true });
const serial = z.string().regex(/^[0-9A-F]+$/);

export const registryChangeReceived = z.object({
  type: z.literal('RegistryChangeReceived'),
  data: z.object({
    noticeId: noticeId,
    holderRef: z.string().regex(/^[0-9a-f]{64}$/),
    municipalityCode: z.string().regex(/^\d{6}$/),
    kind: z.enum(NOTICE_KINDS),
    removalCause: z.enum(REMOVAL_CAUSES).optional(),
    minor: z.boolean(),
    effectiveDate: isoDate,
    departureDate: isoDate.optional(),
    receivedAt: isoInstant,
    personal: z.object({ residentRecordCode: z.string().regex(/^\d{11}$/), before: fourItems, after: fourItems.nullable() }),
  }),
});

export const CERTIFICATE_OUTCOMES = [
  'revoked',
  'revocation-scheduled',
  'already-revoked',
  'expired',
  'not-affected',
  'minor-correction',
  'up-to-date',
  'discrepancy',
] as const;
export type CertificateOutcome = (typeof CERTIFICATE_OUTCOMES)[number];

export const REPLY_STATUSES = ['revoked', 'nothing-to-revoke', 'discrepancy', 'unmatched'] as const;

export const registryChangeProcessed = z.object({
  type: z.literal('RegistryChangeProcessed'),
  data: z.object({
    noticeId: noticeId,
    /** Which rule applied: four-item-change, removal, emigration-continued-use, minor-correction. */
    rule: z.string().min(1),
    matched: z.boolean(),
    certificates: z.array(
      z.object({
        serialNumber: serial,
        certificateType: z.enum(CERTIFICATE_TYPES),
        outcome: z.enum(CERTIFICATE_OUTCOMES),
        effectiveAt: isoInstant.optional(),
      }),
    ),
    processedAt: isoInstant,
  }),
});

export const registryChangeReplied = z.object({
  type: z.literal('RegistryChangeReplied'),
  data: z.object({
    noticeId: noticeId,
    status: z.enum(REPLY_STATUSES),
    revoked: z.array(serial),
    flagged: z.array(serial),
    repliedAt: isoInstant,
  }),
});

export const registryDiscrepancyFlagged = z.object({
  type: z.literal('RegistryDiscrepancyFlagged'),
  data: z.object({
    noticeId: noticeId,
    serialNumber: serial,
    reason: z.enum(['issued-with-stale-data']),
    flaggedAt: isoInstant,
  }),
});

export const registryChangeEvent = z.discriminatedUnion('type', [registryChangeReceived, registryChangeProcessed, registryChangeReplied, registryDiscrepancyFlagged]);
export type RegistryChangeEvent = z.infer<typeof registryChangeEvent>;
export type RegistryChangeReceivedData = z.infer<typeof registryChangeReceived>['data'];

export const registryChangeStream = (noticeId: string): string => `registry-change-${noticeId}`;
