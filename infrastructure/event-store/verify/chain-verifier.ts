/**
 * Recomputes every stream's hash chain from events in global order. Store-independent: it sees only
 * what the port returns. It catches an altered event (its hash no longer recomputes), a removed or
 * reordered event inside a stream (a revision gap or a prevHash that does not link). Removing the
 * last events of a stream, or of the whole log, needs an anchor outside the streams: the embedded
 * store's dense global chain (sqlite-integrity.ts) and the signed checkpoints (a `LogWitness`).
 */
import type { RecordedEvent } from '../../../domain/ports/event-store.js';
import { GENESIS_HASH, rehash } from '../envelope.js';

export interface BrokenLink {
  readonly stream?: string;
  readonly revision?: bigint;
  readonly position?: bigint;
  /** What differs, in a sentence. */
  readonly problem: string;
}

export interface VerifyReport {
  readonly eventsChecked: number;
  readonly streamsChecked: number;
  /** In a partial walk: streams whose earlier events lie before it (their first link is taken as given). */
  readonly streamsJoinedMidChain?: number;
  readonly checkpoints?: WitnessSummary;
  readonly broken?: BrokenLink;
}

export interface WitnessSummary {
  readonly checked: number;
  readonly latest?: { readonly treeSize: number; readonly rootHash: string; readonly sealedAt: string };
}

/** A check that follows the walk over the global order beside the chains (the signed checkpoints). */
export interface LogWitness {
  add(event: RecordedEvent): BrokenLink | undefined;
  /** After the last event. */
  finish(): BrokenLink | undefined;
  summary(): WitnessSummary;
}

const short = (hash: string): string => `${hash.slice(0, 16)}…`;

export class ChainVerifier {
  private readonly tips = new Map<string, { revision: bigint; hash: string }>();
  private events = 0;
  private joinedMidChain = 0;

  /**
   * `partial`: the walk starts part-way through the log (an export from a later position), so a
   * stream may first appear at a revision above 0; its chain is checked from there on.
   */
  constructor(private readonly options: { readonly partial?: boolean } = {}) {}

  /** Checks the next event of the log; returns the broken link, if this event breaks its stream's chain. */
  check(event: RecordedEvent): BrokenLink | undefined {
    this.events += 1;
    const at = { stream: event.stream, revision: event.revision, position: event.position };
    let tip = this.tips.get(event.stream);
    if (tip === undefined && this.options.partial === true && event.revision > 0n) {
      tip = { revision: event.revision - 1n, hash: String(event.metadata.prevHash) };
      this.joinedMidChain += 1;
    }
    const expectedRevision = tip === undefined ? 0n : tip.revision + 1n;
    if (event.revision !== expectedRevision) {
      const follows = tip === undefined ? 'is the first event of its stream' : `follows revision ${tip.revision}`;
      return { ...at, problem: `revision ${event.revision} ${follows}: revision ${expectedRevision} is missing or out of order` };
    }
    const expectedPrev = tip?.hash ?? GENESIS_HASH;
    if (event.metadata.prevHash !== expectedPrev) {
      return { ...at, problem: `prevHash ${short(String(event.metadata.prevHash))} does not link to the previous event's hash ${short(expectedPrev)}` };
    }
    const recomputed = rehash(event);
    if (recomputed !== event.metadata.hash) {
      return { ...at, problem: `content altered: stored hash ${short(String(event.metadata.hash))}, recomputed ${short(recomputed)}` };
    }
    this.tips.set(event.stream, { revision: event.revision, hash: recomputed });
    return undefined;
  }

  report(broken?: BrokenLink, witness?: LogWitness): VerifyReport {
    return {
      eventsChecked: this.events,
      streamsChecked: this.tips.size,
      ...(this.options.partial === true ? { streamsJoinedMidChain: this.joinedMidChain } : {}),
      ...(witness === undefined ? {} : { checkpoints: witness.summary() }),
      ...(broken === undefined ? {} : { broken }),
    };
  }
}

/** Verifies any store through the port alone. */
export async function verifyThroughPort(events: AsyncIterable<RecordedEvent>, witness?: LogWitness): Promise<VerifyReport> {
  const verifier = new ChainVerifier();
  for await (const event of events) {
    const broken = verifier.check(event) ?? witness?.add(event);
    if (broken !== undefined) return verifier.report(broken, witness);
  }
  return verifier.report(witness?.finish(), witness);
}

export function formatReport(report: VerifyReport): string {
  const lines = [`events checked: ${report.eventsChecked}`, `streams checked: ${report.streamsChecked}`];
  if (report.streamsJoinedMidChain !== undefined) lines.push(`streams begun before the export: ${report.streamsJoinedMidChain} (their first link in it is taken as given)`);
  const checkpoints = report.checkpoints;
  if (checkpoints !== undefined) {
    const latest = checkpoints.latest;
    lines.push(`checkpoints checked: ${checkpoints.checked}${latest === undefined ? '' : ` (latest: ${latest.treeSize} events, root ${latest.rootHash}, signed at ${latest.sealedAt})`}`);
  }
  const broken = report.broken;
  if (broken === undefined) return [...lines, 'ok'].join('\n');
  const where = [
    broken.stream === undefined ? undefined : `stream ${broken.stream}`,
    broken.revision === undefined ? undefined : `revision ${broken.revision}`,
    broken.position === undefined ? undefined : `position ${broken.position}`,
  ].filter((part) => part !== undefined);
  return [...lines, `broken: ${where.length > 0 ? `${where.join(', ')}: ` : ''}${broken.problem}`].join('\n');
}
