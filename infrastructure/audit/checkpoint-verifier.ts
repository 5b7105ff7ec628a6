/**
 * `ledger verify`'s check of the signed checkpoints: every checkpoint in the log (and one an auditor
 * holds from earlier, if given) has its signature checked against the sealing key, and its root
 * compared with the Merkle tree recomputed from the events as the verifier walks the log. A log that
 * was rewritten consistently — every hash and chain recomputed after deleting, inserting or swapping
 * events — still cannot produce the root a checkpoint signed, so the rewrite shows, between the last
 * checkpoint that still matches and the first that does not; a log cut short shows against a held
 * checkpoint that covers more than the log now holds.
 */
import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { LOG_CHECKPOINT_STREAM, LOG_SEALING_KEY_STREAM, logCheckpointSealed, logSealingKeyEstablished, type LogCheckpoint, type LogSealingKey } from '../../domain/audit/events.js';
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { keyIdOf } from '../ca/key-id.js';
import type { SqliteWitnessSource } from '../event-store/sqlite/sqlite-integrity.js';
import type { BrokenLink, LogWitness } from '../event-store/verify/chain-verifier.js';
import { signatureHolds } from './checkpoint.js';
import { MerkleFrontier } from './merkle.js';

/** A checkpoint as GET /v1/audit/checkpoints/latest returns it, with the sealing key's PEM (other fields ignored). */
export const heldCheckpoint = logCheckpointSealed.shape.data.extend({ publicKey: z.string().min(1) });
export type HeldCheckpoint = z.infer<typeof heldCheckpoint>;

/** The streams a checkpoint verifier is made from. */
export const CHECKPOINT_STREAMS = [LOG_SEALING_KEY_STREAM, LOG_CHECKPOINT_STREAM] as const;

interface Claim {
  readonly checkpoint: LogCheckpoint;
  /** How the report names it. */
  readonly name: string;
}

function keyFromPem(pem: string, signatureAlgorithm: LogSealingKey['signatureAlgorithm']): LogSealingKey {
  const spki = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return { keyId: keyIdOf(spki), subjectPublicKeyInfo: spki.toString('base64'), signatureAlgorithm, establishedAt: new Date(0).toISOString() };
}

export class CheckpointVerifier implements LogWitness {
  private readonly wanted = new Map<number, Claim[]>();
  private lastMatched: { size: number; position: bigint } | undefined;
  private lastPosition: bigint | undefined;
  private matched = 0;
  private latest: LogCheckpoint | undefined;

  private constructor(
    private readonly claims: readonly Claim[],
    private readonly frontier: MerkleFrontier,
  ) {
    for (const claim of claims) this.wanted.set(claim.checkpoint.treeSize, [...(this.wanted.get(claim.checkpoint.treeSize) ?? []), claim]);
    this.startSize = frontier.size;
  }

  private readonly startSize: number;

  /**
   * From the sealing keys and checkpoint events of the log (read before the walk) and an optional
   * held checkpoint: the verifier, or the first checkpoint whose signature does not hold. `start` is
   * the tree before the first event walked (an export that does not begin at the start of the log);
   * checkpoints it already covers cannot be checked and are left out.
   */
  static prepare(input: {
    readonly keys: readonly LogSealingKey[];
    readonly checkpoints: readonly RecordedEvent[];
    readonly held?: HeldCheckpoint | undefined;
    readonly start?: MerkleFrontier;
  }): { verifier: CheckpointVerifier } | { broken: BrokenLink } {
    const keys = new Map(input.keys.map((key) => [key.keyId, key]));
    const held = input.held;
    const start = input.start ?? new MerkleFrontier();
    const claims: Claim[] = [];
    for (const event of input.checkpoints) {
      if (event.type !== 'LogCheckpointSealed') continue;
      const at = { stream: event.stream, revision: event.revision, position: event.position };
      const parsed = logCheckpointSealed.safeParse({ type: event.type, data: event.data });
      if (!parsed.success) return { broken: { ...at, problem: 'a checkpoint event is not a well-formed checkpoint' } };
      const checkpoint = parsed.data.data;
      const key = keys.get(checkpoint.keyId);
      if (key === undefined) return { broken: { ...at, problem: `the checkpoint is signed by key ${checkpoint.keyId.slice(0, 16)}…, which the log never recorded as its sealing key` } };
      if (!signatureHolds(checkpoint, key)) return { broken: { ...at, problem: 'the checkpoint signature does not hold: the checkpoint was altered or forged' } };
      claims.push({ checkpoint, name: `the checkpoint at position ${event.position}` });
    }
    if (held !== undefined) {
      const key = keyFromPem(held.publicKey, held.signatureAlgorithm);
      if (!signatureHolds(held, key)) return { broken: { problem: 'the held checkpoint signature does not hold against its own public key: the file was altered' } };
      if (keys.size > 0 && !keys.has(key.keyId)) return { broken: { problem: `the held checkpoint was signed by key ${key.keyId.slice(0, 16)}…, which this log does not record: its sealing key was replaced` } };
      claims.push({ checkpoint: held, name: 'the held checkpoint' });
    }
    return { verifier: new CheckpointVerifier(claims.filter((c) => c.checkpoint.treeSize > start.size), start) };
  }

  /** Folds the next event of the log; the broken link when a checkpoint of this size does not match. */
  add(event: RecordedEvent): BrokenLink | undefined {
    this.frontier.append(Buffer.from(event.metadata.hash, 'hex'));
    this.lastPosition = event.position;
    const size = this.frontier.size;
    const claims = this.wanted.get(size);
    if (claims === undefined) return undefined;
    const root = this.frontier.root().toString('hex');
    for (const claim of claims) {
      const at = { stream: event.stream, revision: event.revision, position: event.position };
      const since =
        this.lastMatched !== undefined
          ? `after position ${this.lastMatched.position} (where the tree of ${this.lastMatched.size} events still matches)`
          : this.startSize > 0
            ? `among the ${size} (or in the tree given for the ${this.startSize} before this export)`
            : 'from the start of the log';
      if (claim.checkpoint.rootHash !== root) {
        return { ...at, problem: `the first ${size} events do not hash to the root ${claim.name} signed at ${claim.checkpoint.sealedAt}: an event ${since} up to here was altered, removed, inserted or reordered` };
      }
      if (claim.checkpoint.lastPosition !== event.position.toString()) {
        return { ...at, problem: `${claim.name} covers ${size} events up to position ${claim.checkpoint.lastPosition}, but event number ${size} is at position ${event.position}: positions were renumbered` };
      }
      this.matched += 1;
      if (this.latest === undefined || claim.checkpoint.treeSize >= this.latest.treeSize) this.latest = claim.checkpoint;
    }
    this.lastMatched = { size, position: event.position };
    return undefined;
  }

  /** After the last event: a checkpoint that covers more than the log holds means the log was cut. */
  finish(): BrokenLink | undefined {
    const size = this.frontier.size;
    const beyond = this.claims.filter((c) => c.checkpoint.treeSize > size).sort((a, b) => a.checkpoint.treeSize - b.checkpoint.treeSize)[0];
    if (beyond === undefined) return undefined;
    return {
      ...(this.lastPosition === undefined ? {} : { position: this.lastPosition }),
      problem: `${beyond.name} (signed at ${beyond.checkpoint.sealedAt}) covers ${beyond.checkpoint.treeSize} events up to position ${beyond.checkpoint.lastPosition}, but the log holds ${size}: ${beyond.checkpoint.treeSize - size} event(s) were removed from the end`,
    };
  }

  summary(): { checked: number; latest?: LogCheckpoint } {
    return { checked: this.matched, ...(this.latest === undefined ? {} : { latest: this.latest }) };
  }
}

export function sealingKeysOf(events: readonly RecordedEvent[]): LogSealingKey[] {
  return events.filter((e) => e.type === 'LogSealingKeyEstablished').map((e) => logSealingKeyEstablished.parse({ type: e.type, data: e.data }).data);
}

function fromLogEvents(events: readonly RecordedEvent[], held?: HeldCheckpoint): { witness: LogWitness } | { broken: BrokenLink } {
  const prepared = CheckpointVerifier.prepare({ keys: sealingKeysOf(events), checkpoints: events.filter((e) => e.type === 'LogCheckpointSealed'), held });
  return 'broken' in prepared ? prepared : { witness: prepared.verifier };
}

/** For the embedded store's file walk: the checkpoint streams read in the walk's snapshot. */
export function checkpointWitness(held?: HeldCheckpoint): SqliteWitnessSource {
  return { streams: CHECKPOINT_STREAMS, make: (events) => fromLogEvents(events, held) };
}

/** For any store, through the port: the checkpoint streams read before the walk. */
export async function checkpointWitnessThroughPort(store: EventStore, held?: HeldCheckpoint): Promise<{ witness: LogWitness } | { broken: BrokenLink }> {
  const events: RecordedEvent[] = [];
  for (const stream of CHECKPOINT_STREAMS) for await (const event of store.readStream(stream)) events.push(event);
  return fromLogEvents(events, held);
}
