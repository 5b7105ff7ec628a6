/**
 * `ledger verify` against signed checkpoints: a log rewritten by someone who can recompute every
 * hash and chain but does not hold the sealing key — an event deleted, two swapped, one edited, the
 * tail cut — passes the chain checks and is still caught, at the place the checkpoints bound.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { newEvent } from '../support/event-store-contract.js';
import { ledger } from '../support/processes.js';
import { rewriteLog } from '../support/rewrite-log.js';
import { tempDir } from '../support/temp-dir.js';
import { bearer, testApp, tokenFor } from '../support/test-app.js';

const AUDITOR = bearer(tokenFor({ role: 'auditor', organisation: 'audit-office' }));

interface Checkpoint {
  readonly treeSize: number;
  readonly position: string;
  readonly lastPosition: string;
  readonly rootHash: string;
  readonly sealedAt: string;
}

describe('ledger verify with signed checkpoints', () => {
  const dir = tempDir('jpki-verify-checkpoints-');
  const original = join(dir.path, 'original', 'events.sqlite');
  let first: Checkpoint;
  let second: Checkpoint & Record<string, unknown>;
  let heldFile: string;

  beforeAll(async () => {
    const t = await testApp();
    try {
      const append = (stream: string, n: number) => t.store.append(stream, Array.from({ length: n }, (_, i) => newEvent('TestEventHappened', { stream, i })), { expectedRevision: 'any' });
      const seal = async (): Promise<Checkpoint & Record<string, unknown>> => {
        const res = await t.app.inject({ method: 'POST', url: '/v1/audit/checkpoints', headers: AUDITOR });
        expect(res.statusCode, res.body).toBe(201);
        return res.json();
      };
      await append('access-a', 3);
      await append('access-b', 2);
      first = await seal();
      await append('access-a', 2);
      await append('access-c', 2);
      second = await seal();
      await append('access-b', 1);
      mkdirSync(join(dir.path, 'original'));
      const db = new Database(join(t.dataDir, 'events.sqlite'), { readonly: true });
      db.exec(`VACUUM INTO '${original}'`);
      db.close();
    } finally {
      await t.close();
    }
    heldFile = join(dir.path, 'held.json');
    writeFileSync(heldFile, JSON.stringify(second));
  }, 60_000);
  afterAll(() => dir.remove());

  /** Rewrites the original log into a data directory of its own and runs `ledger verify` there. */
  async function verifyRewritten(name: string, transform: (events: RecordedEvent[]) => RecordedEvent[], args: string[] = []) {
    mkdirSync(join(dir.path, name));
    await rewriteLog(original, join(dir.path, name, 'events.sqlite'), transform);
    return ledger(['verify', ...args], { LEDGER_DATA_DIR: join(dir.path, name) });
  }
  const positionOf = (events: RecordedEvent[], stream: string, revision: bigint) => events.find((e) => e.stream === stream && e.revision === revision)?.position;

  it('says ok for the log as written, and for a faithful copy, with both checkpoints checked', async () => {
    const untouched = await ledger(['verify', '--checkpoint', heldFile], { LEDGER_DATA_DIR: join(dir.path, 'original') });
    expect(untouched.stdout, untouched.stderr).toContain(`checkpoints checked: 3 (latest: ${second.treeSize} events, root ${second.rootHash}, signed at ${second.sealedAt})`);
    expect(untouched.stdout).toMatch(/\nok$/m);
    expect(untouched.code).toBe(0);
    const copy = await verifyRewritten('copy', (events) => events);
    expect(copy.stdout).toContain('checkpoints checked: 2');
    expect(copy.code).toBe(0);
  });

  it('catches an event deleted before the first checkpoint, though every chain was recomputed', async () => {
    const result = await verifyRewritten('deleted', (events) => events.filter((e) => !(e.stream === 'access-a' && e.revision === 1n)));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^broken: .*: the first ${first.treeSize} events do not hash to the root the checkpoint at position \\d+ signed at ${first.sealedAt}: an event from the start of the log up to here was altered, removed, inserted or reordered`, 'm'));
  });

  it('catches two events swapped between the checkpoints, bounded by the last checkpoint that still matches', async () => {
    let swappedAt: bigint | undefined;
    const result = await verifyRewritten('swapped', (events) => {
      const a = events.findIndex((e) => e.stream === 'access-a' && e.revision === 4n);
      const c = events.findIndex((e) => e.stream === 'access-c' && e.revision === 0n);
      swappedAt = positionOf(events, 'access-a', 4n);
      const out = [...events];
      [out[a], out[c]] = [out[c] as RecordedEvent, out[a] as RecordedEvent];
      return out;
    });
    expect(swappedAt).toBeDefined();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^broken: .*: the first ${second.treeSize} events do not hash to the root .* an event after position ${first.lastPosition} \\(where the tree of ${first.treeSize} events still matches\\) up to here`, 'm'));
  });

  it('catches one event edited and re-hashed', async () => {
    const result = await verifyRewritten('edited', (events) => events.map((e) => (e.stream === 'access-b' && e.revision === 0n ? { ...e, data: { ...e.data, i: 99 } } : e)));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^broken: .*: the first ${first.treeSize} events do not hash to the root`, 'm'));
  });

  it('catches the tail cut off, checkpoint and all, against the checkpoint the auditor held', async () => {
    const cut = (events: RecordedEvent[]) => events.filter((e) => e.position < BigInt(second.position) - 1n);
    const alone = await verifyRewritten('cut', cut);
    // The log's own remaining checkpoint still matches: only a checkpoint kept outside shows the cut.
    expect(alone.code).toBe(0);
    const held = await ledger(['verify', '--checkpoint', heldFile], { LEDGER_DATA_DIR: join(dir.path, 'cut') });
    expect(held.code).toBe(1);
    const kept = Number(second.position) - 2;
    expect(held.stdout).toMatch(
      new RegExp(`^broken: position ${kept}: the held checkpoint \\(signed at ${second.sealedAt}\\) covers ${second.treeSize} events up to position ${second.lastPosition}, but the log holds ${kept}: ${second.treeSize - kept} event\\(s\\) were removed from the end`, 'm'),
    );
  });

  it('refuses a held checkpoint that was edited, and a file that is not a checkpoint', async () => {
    const edited = join(dir.path, 'edited.json');
    writeFileSync(edited, JSON.stringify({ ...second, treeSize: second.treeSize - 1 }));
    const result = await ledger(['verify', '--checkpoint', edited], { LEDGER_DATA_DIR: join(dir.path, 'original') });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^broken: the held checkpoint signature does not hold against its own public key/m);
    const junk = join(dir.path, 'junk.json');
    writeFileSync(junk, JSON.stringify({ hello: 'world' }));
    const refused = await ledger(['verify', '--checkpoint', junk], { LEDGER_DATA_DIR: join(dir.path, 'original') });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--checkpoint .* is not a checkpoint/);
  });

  describe('an export, verified offline', () => {
    const exported = async (from?: string) => {
      const result = await ledger(['export', ...(from === undefined ? [] : ['--from', from])], { LEDGER_DATA_DIR: join(dir.path, 'original') });
      expect(result.code, result.stderr).toBe(0);
      return result.stdout.trim().split('\n');
    };
    const verifyFile = async (name: string, lines: readonly string[], args: string[] = []) => {
      const file = join(dir.path, `${name}.ndjson`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      return ledger(['verify', '--file', file, ...args], {});
    };

    it('verifies a whole export, checkpoints and all, with no access to the ledger', async () => {
      const lines = await exported();
      expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ format: 'jpki-ledger-export', version: 1, fromPosition: '1', eventsBefore: 0 });
      const result = await verifyFile('whole', lines, ['--checkpoint', heldFile]);
      expect(result.stdout, result.stderr).toMatch(/^events checked: 17\n.*\ncheckpoints checked: 3 .*\nok\n$/s);
      expect(result.code).toBe(0);
    });

    it('verifies an export that starts between the checkpoints against the later one', async () => {
      const from = String(Number(first.position) + 1);
      const lines = await exported(from);
      expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ fromPosition: from, eventsBefore: Number(first.position) });
      const result = await verifyFile('partial', lines);
      expect(result.stdout).toContain(`events checked: ${17 - Number(first.position)}`);
      expect(result.stdout).toMatch(/streams begun before the export: [1-9]\d* /);
      expect(result.stdout).toContain(`checkpoints checked: 1 (latest: ${second.treeSize} events`);
      expect(result.code).toBe(0);

      // A header whose tree edge is not that of the earlier events fails the checkpoint.
      const header = JSON.parse(lines[0] ?? '{}');
      const edge = header.treeEdge as (string | null)[];
      const level = edge.findIndex((h) => h !== null);
      edge[level] = '0'.repeat(64);
      const forged = await verifyFile('forged-edge', [JSON.stringify(header), ...lines.slice(1)]);
      expect(forged.code).toBe(1);
      expect(forged.stdout).toMatch(new RegExp(`^broken: .*: the first ${second.treeSize} events do not hash to the root the checkpoint at position ${second.position}`, 'm'));
    });

    it('reports the exact line of an edited event, a deleted one, and a file cut short', async () => {
      const lines = await exported();
      const at = lines.findIndex((l) => l.includes('"stream":"access-b"') && l.includes('"revision":"1"'));
      const edited = [...lines];
      edited[at] = (edited[at] ?? '').replace('"i":1', '"i":7');
      const result = await verifyFile('edited-line', edited);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^broken: stream access-b, revision 1, position \d+: content altered/m);

      const deleted = lines.filter((_, i) => i !== lines.findIndex((l) => l.includes('"stream":"access-a"') && l.includes('"revision":"1"')));
      const gap = await verifyFile('deleted-line', deleted);
      expect(gap.code).toBe(1);
      expect(gap.stdout).toMatch(/^broken: stream access-a, revision 2, position \d+: revision 2 follows revision 0: revision 1 is missing or out of order/m);

      const cut = await verifyFile('cut-file', lines.slice(0, Number(second.position) - 1), ['--checkpoint', heldFile]);
      expect(cut.code).toBe(1);
      expect(cut.stdout).toMatch(/the held checkpoint .* event\(s\) were removed from the end/);

      const garbage = await verifyFile('garbage', [...lines.slice(0, 3), '{"half": ', ...lines.slice(3)]);
      expect(garbage.code).toBe(1);
      expect(garbage.stdout).toMatch(/^broken: line 4 is not JSON/m);
    });

    it('refuses a bad --from', async () => {
      const result = await ledger(['export', '--from', 'zero'], { LEDGER_DATA_DIR: join(dir.path, 'original') });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/export: --from must be a global position/);
    });
  });
});
