/**
 * `ledger export`: the log as NDJSON, for an auditor to verify on their own machine with
 * `ledger verify --file`. The first line is a header — the format, where the export starts, the
 * sealing keys the log recorded, and the Merkle tree's right edge over the events before the start
 * (so the checkpoints in the export can be checked without the earlier events); every other line is
 * one event exactly as stored, hashes included. The header is not trusted on its own: a forged tree
 * edge or key fails against the signed checkpoints (and a checkpoint the auditor holds).
 */
import { z } from 'zod';
import { LOG_SEALING_KEY_STREAM, logSealingKeyEstablished } from '../../domain/audit/events.js';
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { MerkleFrontier } from './merkle.js';

const hash = z.string().regex(/^[0-9a-f]{64}$/);

export const exportHeader = z.object({
  format: z.literal('jpki-ledger-export'),
  version: z.literal(1),
  fromPosition: z.string().regex(/^\d+$/),
  /** Events of the log before fromPosition. */
  eventsBefore: z.number().int().min(0),
  /** The Merkle tree over those events: its right edge, one entry per level (null where there is none). */
  treeEdge: z.array(hash.nullable()),
  sealingKeys: z.array(logSealingKeyEstablished.shape.data),
  exportedAt: z.iso.datetime({ offset: true }),
});
export type ExportHeader = z.infer<typeof exportHeader>;

export const exportedEvent = z.object({
  position: z.string().regex(/^\d+$/),
  stream: z.string().min(1),
  revision: z.string().regex(/^\d+$/),
  id: z.string().min(1),
  type: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  metadata: z.looseObject({ recordedAt: z.string(), schemaVersion: z.number(), prevHash: z.string(), hash: z.string() }),
});

function line(event: RecordedEvent): string {
  const { id, stream, revision, position, type, data, metadata } = event;
  return JSON.stringify({ position: position.toString(), stream, revision: revision.toString(), id, type, data, metadata });
}

export function toRecordedEvent(parsed: z.infer<typeof exportedEvent>): RecordedEvent {
  return { ...parsed, position: BigInt(parsed.position), revision: BigInt(parsed.revision), data: parsed.data as RecordedEvent['data'], metadata: parsed.metadata as unknown as RecordedEvent['metadata'] };
}

/** The export's lines, header first, from `from` (inclusive) to the end of the log as it is when each event is read. */
export async function* exportLog(store: EventStore, from: bigint, now: Date): AsyncGenerator<string> {
  const before = new MerkleFrontier();
  if (from > 1n) {
    for await (const event of store.readAll()) {
      if (event.position >= from) break;
      before.append(Buffer.from(event.metadata.hash, 'hex'));
    }
  }
  const sealingKeys = [];
  for await (const event of store.readStream(LOG_SEALING_KEY_STREAM)) sealingKeys.push(logSealingKeyEstablished.parse({ type: event.type, data: event.data }).data);
  const header: ExportHeader = {
    format: 'jpki-ledger-export',
    version: 1,
    fromPosition: from.toString(),
    eventsBefore: before.size,
    treeEdge: before.edgeHashes().map((h) => (h === undefined ? null : h.toString('hex'))),
    sealingKeys,
    exportedAt: now.toISOString(),
  };
  yield JSON.stringify(header);
  for await (const event of store.readAll({ fromPosition: from })) yield line(event);
}
