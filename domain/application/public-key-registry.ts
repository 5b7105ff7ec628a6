/**
 * Every resident public key the ledger has seen, one stream per key (`public-key-<sha256 of SPKI>`):
 * a key submitted in any earlier application (and so in any certificate) is refused. Appending the
 * first event with `no_stream` makes the store itself the uniqueness check, race-free.
 */
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { Decider } from '../shared/decider.js';
import { policyViolation } from '../shared/errors.js';

export const publicKeyRegistered = z.object({
  type: z.literal('PublicKeyRegistered'),
  data: z.object({ publicKeySha256: z.string().regex(/^[0-9a-f]{64}$/), applicationId: z.uuid(), registeredAt: z.iso.datetime({ offset: true }) }),
});
export const publicKeyRegistryEvent = z.discriminatedUnion('type', [publicKeyRegistered]);
export type PublicKeyRegistryEvent = z.infer<typeof publicKeyRegistryEvent>;

export interface RegisterPublicKey {
  readonly publicKeySha256: string;
  readonly applicationId: string;
  readonly now: Date;
}

export type PublicKeyRegistryState = { readonly firstSeenIn?: string };

export const publicKeyRegistryDecider: Decider<RegisterPublicKey, PublicKeyRegistryEvent, PublicKeyRegistryState> = {
  initialState: () => ({}),
  evolve: (state, event) => (state.firstSeenIn === undefined ? { firstSeenIn: event.data.applicationId } : state),
  decide: (command, state) => {
    if (state.firstSeenIn === command.applicationId) return E.right([]);
    if (state.firstSeenIn !== undefined) {
      return E.left(policyViolation('duplicate-public-key', 'This public key was already submitted in an earlier application or certificate.', 'csr'));
    }
    const { publicKeySha256, applicationId } = command;
    return E.right([{ type: 'PublicKeyRegistered', data: { publicKeySha256, applicationId, registeredAt: command.now.toISOString() } }]);
  },
};

export const publicKeyStream = (publicKeySha256: string): string => `public-key-${publicKeySha256}`;

export const publicKeyRegistryAggregate = { decider: publicKeyRegistryDecider, schema: publicKeyRegistryEvent, schemaVersion: 1 };
