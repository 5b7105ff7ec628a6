/**
 * The README's walkthrough, run as a newcomer would paste it: its shell blocks, in order, after
 * `set -euo pipefail`, by bash, from the repository's directory, against a real server (`npm start`
 * as a child process on a free port, a fresh data directory shared with the CLI that signs the
 * tokens). Every step must succeed and show what the README says it shows. Then the auditor's
 * snippet of "The provable log", on its own.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledger, startServerProcess, type ServerProcess } from '../support/processes.js';
import { tempDir } from '../support/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** A step that hangs (a server that never answers) fails the test instead of stalling it. */
const SCRIPT_TIMEOUT_MS = 150_000;

/** The text of the section under `heading`, up to the next heading of the same or a higher level (outside code blocks). */
function section(heading: string): string {
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const lines = README.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  let fenced = false;
  let end = start + 1;
  for (; end < lines.length; end++) {
    const line = lines[end] ?? '';
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced && new RegExp(`^#{1,${level}} `).test(line)) break;
  }
  return lines.slice(start + 1, end).join('\n');
}

const shellBlocks = (text: string): string[] => [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');

/** Runs a script with bash; standard error goes into the same output, in order (openssl says `Response verify OK` there). */
async function bash(script: string, env: Record<string, string>, cwd: string): Promise<{ code: number | null; output: string }> {
  const child = spawn('bash', ['-c', `exec 2>&1\nset -euo pipefail\n${script}`], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), SCRIPT_TIMEOUT_MS);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

describe('the README walkthrough, pasted into bash', () => {
  const dir = tempDir();
  const env = { LEDGER_DATA_DIR: join(dir.path, 'data'), TMPDIR: dir.path };
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess(env);
  });
  afterAll(async () => {
    if (server.child.exitCode === null) await server.stop();
    dir.remove();
  });

  it('goes from tokens to the council report without a failed call', async () => {
    const blocks = shellBlocks(section('## Walkthrough: one certificate, end to end'));
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const { code, output } = await bash(blocks.join('\n'), { ...env, LEDGER: server.url }, ROOT);
    expect(code, output).toBe(0);

    const serial = /^serial ([0-9A-F]+)$/m.exec(output)?.[1] ?? '';
    expect(serial, output).not.toBe('');
    expect(output).toMatch(/^application [0-9a-f-]{36}$/m);
    // Delivered and good, then revoked: the status route and OCSP (verified against the root) agree.
    expect(output).toContain(`{"serialNumber":"${serial}","type":"signing","status":"good"`);
    expect(output).toMatch(/resident\.pem: good\n/);
    expect(output).toContain(`{"serialNumber":"${serial}","type":"signing","status":"revoked","reason":"keyCompromise"`);
    expect(output).toMatch(/resident\.pem: revoked\n(.*\n)*?\tReason: keyCompromise/);
    expect(output.match(/^Response verify OK$/gm)).toHaveLength(2);
    // The CRL lists the serial with its reason.
    expect(output).toMatch(new RegExp(`Serial Number: ${serial}\\n\\s+Revocation Date: .*\\n(.*\\n){0,3}?\\s+Key Compromise`));
    // The checkpoint's signature, then the whole log against it.
    expect(output).toMatch(/^Verified OK$/m);
    expect(output).toMatch(/^checkpoints checked: \d+/m);
    expect(output).toMatch(/^ok$/m);
    // The council's report, as CSV.
    expect(output).toMatch(/^section,key,count,note\r?$/m);
    expect(output).toMatch(/^by function,certificate\.issue,/m);
  }, SCRIPT_TIMEOUT_MS + 30_000);

  it("runs the provable log's snippet as it stands: seals, reads and verifies a checkpoint", async () => {
    const blocks = shellBlocks(section('### The provable log'));
    expect(blocks).toHaveLength(1);
    const token = await ledger(['token', '--role', 'auditor'], env);
    expect(token.code, token.stderr).toBe(0);
    const work = tempDir();
    try {
      const { code, output } = await bash(blocks[0] ?? '', { LEDGER: server.url, AUDITOR: token.stdout.trim() }, work.path);
      expect(code, output).toBe(0);
      expect(output).toMatch(/^Verified OK$/m);
    } finally {
      work.remove();
    }
  }, 60_000);
});
