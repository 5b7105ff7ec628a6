/**
 * The event store port: the one way anything in the ledger reads or writes events.
 *
 * Two adapters implement it (infrastructure/event-store/sqlite, infrastructure/event-store/eventstoredb)
 * and one contract suite (test/support/event-store-contract.ts) holds them to the same behaviour.
 * Revisions and positions are bigint end to end.
 */
import type { Either } from 'fp-ts/lib/Either.js';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonArray | JsonObject;
export type JsonArray = readonly JsonValue[];
export interface JsonObject {
  readonly [key: string]: JsonValue | undefined;
}

/** Revision of an event inside its stream: 0 for the first event. */
export type StreamRevision = bigint;
/** Position in the global log. Increasing; dense in the embedded store, sparse in EventStoreDB. */
export type GlobalPosition = bigint;

/**
 * What the writer believes about the stream:
 * - `no_stream`: it must not exist yet;
 * - `stream_exists`: it must have at least one event;
 * - `any`: no check;
 * - a bigint: the revision of the stream's last event.
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | StreamRevision;

export interface Actor {
  readonly id: string;
  readonly role: string;
  readonly organisation: string;
}

/** The part of the envelope the command supplies. */
export interface EventMetadataInput {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string;
  readonly idempotencyKey?: string;
}

/** The full envelope as stored: the store adds recordedAt and the hash chain. */
export interface EventMetadata extends EventMetadataInput {
  readonly recordedAt: string;
  readonly schemaVersion: number;
  readonly prevHash: string;
  readonly hash: string;
}

export interface NewEvent {
  /** A UUID, derived from the command's idempotency key (see infrastructure/event-store/event-ids.ts). */
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: EventMetadataInput;
}

export interface RecordedEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: StreamRevision;
  readonly position: GlobalPosition;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append: the expected revision for the next one. */
  readonly nextExpectedRevision: StreamRevision;
  /** Global position of the last event of this append. */
  readonly position: GlobalPosition;
}

export interface WrongExpectedRevision {
  readonly _tag: 'WrongExpectedRevision';
  readonly stream: string;
  readonly expected: ExpectedRevision;
  /** The stream's actual last revision, or `no_stream`. */
  readonly actual: StreamRevision | 'no_stream';
}

/** Why the store cannot take writes just now: all are expected to pass (a lock released, space freed). */
export type StoreUnavailableReason = 'store-locked' | 'disk-full' | 'read-only' | 'io-error';

/**
 * An append (or appendEach) that could not be made because the store cannot write just now, after
 * a short, bounded wait. Nothing of it was written: giving it again later is safe. The API answers
 * 503 with `Retry-After: retryAfterSeconds`.
 */
export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
  constructor(
    readonly reason: StoreUnavailableReason,
    readonly retryAfterSeconds: number,
    options?: { readonly cause?: unknown },
  ) {
    super(`event store unavailable: ${reason}`, options);
  }
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: StreamRevision | 'start' | 'end';
  readonly direction?: Direction;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Inclusive: the event at this position, if any, is the first one read. */
  readonly fromPosition?: GlobalPosition | 'start' | 'end';
  readonly direction?: Direction;
  readonly maxCount?: number;
}

export interface SubscribeToAllOptions {
  /** Exclusive: a checkpoint, the position of the last event already processed. */
  readonly fromPosition: GlobalPosition | 'start';
}

export type SubscriptionMessage =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  /** Sent once, when the subscription has delivered everything that existed when it caught up. */
  | { readonly kind: 'caught-up' };

export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  /** Ends the iteration; safe to call more than once. */
  close(): Promise<void>;
}

export type StoreKind = 'sqlite' | 'eventstoredb';

export interface AppendRequest {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
  /**
   * With an exact expected revision: the hash of the event at that revision, as the caller read it.
   * An adapter that must seal against the stream's tip may then write without reading the tip again
   * (a stale hint fails as a stale revision does: the append conflicts).
   */
  readonly expectedHash?: string;
}

export interface AppendOptions {
  readonly expectedRevision: ExpectedRevision;
  /** As `AppendRequest.expectedHash`. */
  readonly expectedHash?: string;
}

export interface EventStore {
  readonly kind: StoreKind;
  /** Atomic: all events are appended, or none. Re-appending the same event ids at the same place is a no-op success. */
  append(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<Either<WrongExpectedRevision, AppendResult>>;
  /**
   * Several appends, in order, each exactly as `append` would do it — atomic, checked against its own
   * expected revision, idempotent — with one result each. Nothing is promised across them: a request
   * that conflicts leaves the others as they are. What it is for: an adapter may make them durable
   * together (the embedded store commits them in one transaction, so a batch of notices costs one
   * commit, not one each). An error other than a conflict rejects the call; then it is unknown which
   * requests were written (none, on the embedded store), and giving them again is safe.
   */
  appendEach(requests: readonly AppendRequest[]): Promise<Either<WrongExpectedRevision, AppendResult>[]>;
  /** Events of one stream, in order. A stream that does not exist yields nothing. */
  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  /** The global log (ledger events only: no system or link events), in order. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** Catch-up, then live; no gap and no duplicate across the switch. */
  subscribeToAll(options: SubscribeToAllOptions): Subscription;
  /**
   * Why writes are failing, if the last one failed and a cheap probe does not show it has passed;
   * undefined when writes go through. Optional: an adapter without it is taken as writable.
   */
  unavailable?(): Promise<StoreUnavailableReason | undefined>;
  /** Position of the last ledger event in the global log, 0n when there is none. */
  headPosition(): Promise<GlobalPosition>;
  close(): Promise<void>;
}
