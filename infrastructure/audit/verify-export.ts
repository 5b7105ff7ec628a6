/**
 * `ledger verify --file <export>`: an export checked offline, with no access to the ledger — every
 * hash and stream chain recomputed, positions in order, and every checkpoint in it (and one the
 * auditor holds) checked against the Merkle tree continued from the header's edge. Two passes over
 * the file: the checkpoints first (they come after the events they cover), then the walk.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { ChainVerifier, type BrokenLink, type VerifyReport } from '../event-store/verify/chain-verifier.js';
import { CheckpointVerifier, type HeldCheckpoint } from './checkpoint-verifier.js';
import { exportedEvent, exportHeader, toRecordedEvent, type ExportHeader } from './log-export.js';
import { MerkleFrontier } from './merkle.js';

async function* numberedLines(path: string): AsyncGenerator<{ number: number; text: string }> {
  let number = 0;
  for await (const text of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    number += 1;
    if (text.trim() !== '') yield { number, text };
  }
}

function parseEvent(number: number, text: string): RecordedEvent | BrokenLink {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: `line ${number} is not JSON: the export was altered or cut` };
  }
  const parsed = exportedEvent.safeParse(json);
  if (!parsed.success) return { problem: `line ${number} is not an exported event (${parsed.error.issues[0]?.path.join('.') ?? ''}): the export was altered` };
  return toRecordedEvent(parsed.data);
}

const isBroken = (value: RecordedEvent | BrokenLink): value is BrokenLink => 'problem' in value;

async function firstPass(path: string): Promise<{ header: ExportHeader; checkpoints: RecordedEvent[] } | BrokenLink> {
  let header: ExportHeader | undefined;
  const checkpoints: RecordedEvent[] = [];
  for await (const { number, text } of numberedLines(path)) {
    if (header === undefined) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return { problem: `line ${number} is not JSON; an export starts with its header` };
      }
      const parsed = exportHeader.safeParse(json);
      if (!parsed.success) return { problem: `line ${number} is not an export header (${parsed.error.issues[0]?.path.join('.') ?? ''})` };
      header = parsed.data;
      continue;
    }
    if (!text.includes('"LogCheckpointSealed"')) continue;
    const event = parseEvent(number, text);
    if (!isBroken(event) && event.type === 'LogCheckpointSealed') checkpoints.push(event);
  }
  return header === undefined ? { problem: 'the file is empty: an export starts with its header' } : { header, checkpoints };
}

export async function verifyExportFile(path: string, held?: HeldCheckpoint): Promise<VerifyReport> {
  const first = await firstPass(path);
  if ('problem' in first) return { eventsChecked: 0, streamsChecked: 0, broken: first };
  const { header, checkpoints } = first;
  const chains = new ChainVerifier({ partial: header.eventsBefore > 0 });
  let start: MerkleFrontier;
  try {
    start = MerkleFrontier.fromEdge(header.eventsBefore, header.treeEdge.map((h) => (h === null ? undefined : Buffer.from(h, 'hex'))));
  } catch (error) {
    return chains.report({ problem: `the header's tree edge does not fit ${header.eventsBefore} earlier events: ${(error as Error).message}` });
  }
  const prepared = CheckpointVerifier.prepare({ keys: header.sealingKeys, checkpoints, held, start });
  if ('broken' in prepared) return chains.report(prepared.broken);
  const witness = prepared.verifier;
  let previous: bigint | undefined;
  let headerSeen = false;
  for await (const { number, text } of numberedLines(path)) {
    if (!headerSeen) {
      headerSeen = true;
      continue;
    }
    const event = parseEvent(number, text);
    if (isBroken(event)) return chains.report(event, witness);
    if (previous === undefined ? event.position < BigInt(header.fromPosition) : event.position <= previous) {
      return chains.report({ stream: event.stream, revision: event.revision, position: event.position, problem: `line ${number} is out of order: events were reordered` }, witness);
    }
    previous = event.position;
    const broken = chains.check(event) ?? witness.add(event);
    if (broken !== undefined) return chains.report(broken, witness);
  }
  return chains.report(witness.finish(), witness);
}
