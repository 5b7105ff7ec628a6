/**
 * A command's identity. The caller names it with an idempotency key (or the edge draws a fresh
 * random one); the first command given under a key claims it with the command's fingerprint (what
 * was asked: route, caller, canonical body), on a stream of its own. The same key again with the
 * same fingerprint is a retry: it runs again and, its event ids being the same, writes nothing new
 * and repeats the first reply. The same key with another fingerprint is refused: never taken for a
 * retry, never run.
 *
 * The claim is not written on its own: it goes into the command's first append (one commit on the
 * embedded store), so a command that is refused, or writes nothing, leaves no claim behind.
 */
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { AppendRequest, EventStore } from '../ports/event-store.js';
import type { IdSource } from '../ports/ids.js';
import { load, type Aggregate } from './command-handler.js';
import type { Decider } from './decider.js';
import type { DomainError } from './errors.js';

export const commandKeyClaimed = z.object({
  type: z.literal('CommandKeyClaimed'),
  data: z.object({ fingerprint: z.string(), route: z.string() }),
});
export type CommandKeyEvent = z.infer<typeof commandKeyClaimed>;

export type CommandKeyState = { readonly status: 'free' } | { readonly status: 'claimed'; readonly fingerprint: string; readonly route: string };

export interface ClaimKey {
  readonly type: 'ClaimKey';
  readonly fingerprint: string;
  readonly route: string;
}

export const idempotencyKeyReused = (): DomainError => ({
  _tag: 'PolicyViolation',
  rule: 'idempotency-key-reused',
  detail: 'This Idempotency-Key was already used for a different request (another route, caller or body); use a new key for a new request.',
  field: 'headers.idempotency-key',
});

export const commandKeyDecider: Decider<ClaimKey, CommandKeyEvent, CommandKeyState> = {
  initialState: () => ({ status: 'free' }),
  evolve: (_state, event) => ({ status: 'claimed', fingerprint: event.data.fingerprint, route: event.data.route }),
  decide: (command, state) => {
    if (state.status === 'free') return E.right([{ type: 'CommandKeyClaimed', data: { fingerprint: command.fingerprint, route: command.route } }]);
    return state.fingerprint === command.fingerprint ? E.right([]) : E.left(idempotencyKeyReused());
  },
};

/** The stream that holds a key's claim: named by a UUID derived from the key (keys are the callers' text). */
export function commandKeyStream(ids: IdSource, idempotencyKey: string): string {
  return `command-key-${ids.eventId(idempotencyKey, 'command-key', 0)}`;
}

/**
 * The claim's append: its event id derives from the key and the fingerprint, so the same command
 * given again re-appends the very same event (a repeat, nothing written), while a command with
 * another fingerprint under the key finds the stream taken.
 */
export function claimRequest(
  ids: IdSource,
  idempotencyKey: string,
  event: CommandKeyEvent,
  metadata: AppendRequest['events'][number]['metadata'],
): AppendRequest {
  const stream = commandKeyStream(ids, idempotencyKey);
  return {
    stream,
    expectedRevision: 'no_stream',
    events: [{ id: ids.eventId(`${idempotencyKey}\n${event.data.fingerprint}`, stream, 0), type: event.type, schemaVersion: 1, data: event.data, metadata }],
  };
}

/**
 * The keys of the commands running now, each with the claim still waiting for its command's first
 * append, if any (the store adapter that takes them: claiming-store.ts). A command with no claim to
 * write (a retry) is registered too, so that its appends are never taken for those of a running
 * command whose key its own extends (`a` and `a/b`).
 */
export interface PendingClaims {
  hold(idempotencyKey: string, claim: AppendRequest | undefined): void;
  release(idempotencyKey: string): void;
}

export interface KeyedCommand {
  readonly idempotencyKey: string;
  readonly fingerprint: string;
  readonly route: string;
  readonly metadata: AppendRequest['events'][number]['metadata'];
}

export interface CommandKeyDeps {
  readonly store: EventStore;
  readonly ids: IdSource;
  readonly claims: PendingClaims;
}

const commandKeyAggregate: Aggregate<ClaimKey, CommandKeyEvent, CommandKeyState> = { decider: commandKeyDecider, schema: commandKeyClaimed, schemaVersion: 1 };

/**
 * Runs a command under its key: refused when the key was claimed by another command; run when the
 * key is free (the claim then rides on the command's first append) or claimed by this very command
 * (a retry: its event ids find what the first attempt wrote).
 */
export async function underCommandKey<T>(deps: CommandKeyDeps, command: KeyedCommand, run: () => Promise<T>): Promise<E.Either<DomainError, T>> {
  const stream = commandKeyStream(deps.ids, command.idempotencyKey);
  const { state } = await load(deps.store, commandKeyAggregate, stream);
  const decided = commandKeyDecider.decide({ type: 'ClaimKey', fingerprint: command.fingerprint, route: command.route }, state);
  if (E.isLeft(decided)) return decided;
  const [claimed] = decided.right;
  deps.claims.hold(command.idempotencyKey, claimed === undefined ? undefined : claimRequest(deps.ids, command.idempotencyKey, claimed, command.metadata));
  try {
    return E.right(await run());
  } finally {
    deps.claims.release(command.idempotencyKey);
  }
}
