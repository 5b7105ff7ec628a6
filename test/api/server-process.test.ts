import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startExpectingFailure, startServerProcess, type ServerProcess } from '../support/processes.js';
import { logHead } from '../support/log-head.js';
import { tempDir } from '../support/temp-dir.js';

describe('npm start on the embedded default', () => {
  const dirs: { remove(): void }[] = [];
  let server: ServerProcess | undefined;
  afterEach(async () => {
    if (server !== undefined && server.child.exitCode === null) await server.stop('SIGKILL');
    server = undefined;
    dirs.splice(0).forEach((d) => d.remove());
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('answers /health, keeps its files under LEDGER_DATA_DIR, and on %s closes the store and exits 0', async (signal) => {
    const dir = tempDir();
    dirs.push(dir);
    const dataDir = join(dir.path, 'data');
    server = await startServerProcess({ LEDGER_DATA_DIR: dataDir });

    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    // First start establishes the issuing CAs, their OCSP responders and first CRLs: the log is not empty.
    const head = logHead(join(dataDir, 'events.sqlite')).position;
    expect(head).toBeGreaterThan(0n);
    expect(await res.json()).toEqual({ status: 'ok', store: 'sqlite', position: head.toString() });
    expect(existsSync(join(dataDir, 'events.sqlite'))).toBe(true);
    for (const secret of ['jwt-secret', 'holder-ref-key']) expect(statSync(join(dataDir, secret)).mode & 0o777).toBe(0o600);
    const keys = readdirSync(join(dataDir, 'ca-keys'));
    expect(keys).toHaveLength(5); // two issuing CAs, two OCSP responders, the log sealing key
    for (const key of keys) expect(statSync(join(dataDir, 'ca-keys', key)).mode & 0o777).toBe(0o600);

    const finished = await server.stop(signal);
    expect(finished.code).toBe(0);
    // The last connection to a WAL database removes the -wal file when it closes cleanly.
    expect(existsSync(join(dataDir, 'events.sqlite-wal'))).toBe(false);
    expect(finished.stdout).toContain('shutting down');
  });

  it('refuses to start on a bad setting, with one line naming the variable', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const finished = await startExpectingFailure({ LEDGER_DATA_DIR: dir.path, LEDGER_SQLITE_SYNCHRONOUS: 'sometimes' });
    expect(finished.code).toBe(1);
    expect(finished.stderr).toBe('configuration error: LEDGER_SQLITE_SYNCHRONOUS must be FULL or NORMAL (got "sometimes")\n');
    expect(existsSync(join(dir.path, 'events.sqlite'))).toBe(false);
  });
});
