/**
 * The event store as commands given under an idempotency key see it: a claim held for a key
 * (domain/shared/command-key.ts) goes into the first append that carries the key — the command's
 * own metadata names it, `<key>` or `<key>/<step>` — given to the store together with it
 * (`appendEach`: one commit on the embedded store; on EventStoreDB the claim first, then the
 * command). Everything else passes through.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { AppendRequest, AppendResult, EventStore, WrongExpectedRevision } from '../../domain/ports/event-store.js';
import type { PendingClaims } from '../../domain/shared/command-key.js';
import { appendingThrough } from './appending-through.js';

/** The key's claim could not be written: another command (in another process) claimed the key first. */
export class CommandKeyTaken extends Error {
  constructor(readonly idempotencyKey: string) {
    super('the idempotency key was claimed by another request at the same time');
  }
}

export class ClaimingStore implements PendingClaims {
  /** Running keyed commands, with the claim that waits for their first append (undefined once written, or for a retry). */
  private readonly pending = new Map<string, AppendRequest | undefined>();
  readonly store: EventStore;

  constructor(inner: EventStore) {
    this.store = appendingThrough(inner, (requests) => this.appendEach(inner, requests));
  }

  hold(idempotencyKey: string, claim: AppendRequest | undefined): void {
    this.pending.set(idempotencyKey, claim);
  }

  release(idempotencyKey: string): void {
    this.pending.delete(idempotencyKey);
  }

  private async appendEach(inner: EventStore, requests: readonly AppendRequest[]): Promise<E.Either<WrongExpectedRevision, AppendResult>[]> {
    const key = this.pending.size === 0 ? undefined : requests.map((request) => this.claimFor(request)).find((found) => found !== undefined);
    if (key === undefined) {
      if (requests.length === 1) {
        const [only] = requests as [AppendRequest];
        const { stream, events, ...options } = only;
        return [await inner.append(stream, events, options)];
      }
      return inner.appendEach(requests);
    }
    const claim = this.pending.get(key) as AppendRequest;
    // The embedded store commits the claim and the command together (one server per data directory:
    // no other process can take the key in between). EventStoreDB has no transaction across streams:
    // the claim goes first, and the command only after it stands.
    if (inner.kind === 'sqlite') {
      const [claimed, ...results] = await inner.appendEach([claim, ...requests]);
      if (claimed === undefined || E.isLeft(claimed)) throw new CommandKeyTaken(key);
      this.pending.set(key, undefined);
      return results;
    }
    const { stream, events, ...options } = claim;
    if (E.isLeft(await inner.append(stream, events, options))) throw new CommandKeyTaken(key);
    this.pending.set(key, undefined);
    return inner.appendEach(requests);
  }

  /**
   * The key whose claim waits for this request, if any: that of the running command the request
   * belongs to — its own key, or the nearest running key its step keys (`<key>/<step>`) extend.
   */
  private claimFor(request: AppendRequest): string | undefined {
    let key = request.events[0]?.metadata.idempotencyKey;
    while (key !== undefined) {
      if (this.pending.has(key)) return this.pending.get(key) === undefined ? undefined : key;
      const step = key.lastIndexOf('/');
      key = step < 0 ? undefined : key.slice(0, step);
    }
    return undefined;
  }
}
