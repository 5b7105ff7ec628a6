/**
 * A holder's current certificates, one stream per holder (`holder-<holderRef>`): the record that
 * keeps "one valid certificate per holder per type" and tells an issuance which certificate it
 * supersedes. Keyed by the pseudonym only.
 */
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import { CERTIFICATE_TYPES, type CertificateType } from '../application/events.js';
import type { Decider } from '../shared/decider.js';

export const holderCertificateAssigned = z.object({
  type: z.literal('HolderCertificateAssigned'),
  data: z.object({
    holderRef: z.string().regex(/^[0-9a-f]{64}$/),
    certificateType: z.enum(CERTIFICATE_TYPES),
    serialNumber: z.string().regex(/^[0-9A-F]+$/),
    supersedes: z.string().regex(/^[0-9A-F]+$/).optional(),
    assignedAt: z.iso.datetime({ offset: true }),
  }),
});
export const holderEvent = z.discriminatedUnion('type', [holderCertificateAssigned]);
export type HolderEvent = z.infer<typeof holderEvent>;

export type HolderState = { readonly current: Partial<Record<CertificateType, string>> };

export interface AssignCertificate {
  readonly holderRef: string;
  readonly certificateType: CertificateType;
  readonly serialNumber: string;
  readonly now: Date;
}

export const holderDecider: Decider<AssignCertificate, HolderEvent, HolderState> = {
  initialState: () => ({ current: {} }),
  evolve: (state, event) => ({ current: { ...state.current, [event.data.certificateType]: event.data.serialNumber } }),
  decide: (command, state) => {
    const previous = state.current[command.certificateType];
    if (previous === command.serialNumber) return E.right([]);
    return E.right([
      {
        type: 'HolderCertificateAssigned',
        data: {
          holderRef: command.holderRef,
          certificateType: command.certificateType,
          serialNumber: command.serialNumber,
          ...(previous === undefined ? {} : { supersedes: previous }),
          assignedAt: command.now.toISOString(),
        },
      },
    ]);
  },
};

export const holderStream = (holderRef: string): string => `holder-${holderRef}`;

export const holderAggregate = { decider: holderDecider, schema: holderEvent, schemaVersion: 1 };
