/**
 * Access to personal information (提供状況): every response that discloses a holder's personal
 * information leaves exactly one record, in the day's stream (`access-<yyyy-mm-dd>`, JST). The
 * record names the holder only by pseudonym; who accessed is in the envelope's actor.
 */
import { z } from 'zod';

export const PERSONAL_ITEMS = ['name', 'nameKana', 'dateOfBirth', 'sex', 'address', 'residentRecordCode'] as const;
export type PersonalItem = (typeof PERSONAL_ITEMS)[number];

export const personalInformationAccessed = z.object({
  type: z.literal('PersonalInformationAccessed'),
  data: z.object({
    /** What was read, e.g. `application.read`, `certificate.read`. */
    function: z.string().min(1),
    purpose: z.string().min(1),
    /** False when the caller gave no purpose and the role's default duty was recorded. */
    purposeStated: z.boolean(),
    legalBasis: z.string().min(1),
    items: z.array(z.enum(PERSONAL_ITEMS)).min(1),
    holderRef: z.string().regex(/^[0-9a-f]{64}$/),
    /** Absent only when the holder has no case in any municipality of this ledger (a disclosure request about them). */
    municipalityCode: z.string().regex(/^\d{6}$/).optional(),
    subject: z.object({ kind: z.enum(['application', 'certificate', 'registry-change', 'disclosure-request']), id: z.string().min(1) }),
    recipient: z.string().min(1),
    accessedAt: z.iso.datetime({ offset: true }),
  }),
});
export type PersonalInformationAccessed = z.infer<typeof personalInformationAccessed>;
