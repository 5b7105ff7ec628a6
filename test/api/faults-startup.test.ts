/**
 * Start-up faults, as an operator meets them: the real entry point (`npm start`) run as a child
 * process on a data directory it cannot use, on a store file another process holds locked, and
 * beside a server already running on the same directory. Each refusal is exit code 2 and one line
 * naming the path and what is wrong, with no stack.
 *
 * The tests run as root, which ignores permission bits; an unwritable or unreadable directory is
 * tried by starting the server as `nobody` (child_process uid/gid), which needs root to do.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../infrastructure/clock/system-clock.js';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { ledger, startServerProcess, type Finished, type ServerProcess } from '../support/processes.js';
import { tempDir } from '../support/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('faults-startup: the unwritable/unreadable directory tests start the server as nobody, which needs root; skipped');

/** `npm start` expected to fail at start-up, optionally as another user. */
async function startFailing(env: Record<string, string>, user?: number): Promise<Finished> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: user === undefined ? (process.env.HOME ?? '') : '/tmp', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(user === undefined ? {} : { uid: user, gid: user }),
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal, ...out };
}

/** Exit 2 and exactly one line on stderr, naming `path`, without a stack. */
function expectOneLineRefusal(finished: Finished, path: string, what: RegExp): void {
  expect(finished.code, `${finished.stdout}\n${finished.stderr}`).toBe(2);
  const lines = finished.stderr.split('\n').filter((line) => line.length > 0);
  expect(lines, finished.stderr).toHaveLength(1);
  expect(lines[0]).toContain(path);
  expect(lines[0]).toMatch(what);
  expect(finished.stderr + finished.stdout).not.toMatch(/\n\s+at /);
  expect(finished.stderr).not.toContain('SqliteError');
}

describe('npm start refuses a data directory it cannot use', () => {
  const dirs: { remove(): void }[] = [];
  const servers: ServerProcess[] = [];
  const holders: Database.Database[] = [];
  afterEach(async () => {
    for (const db of holders.splice(0)) db.close();
    for (const server of servers.splice(0)) if (server.child.exitCode === null) await server.stop('SIGKILL');
    dirs.splice(0).forEach((d) => d.remove());
  });
  /** A fresh directory (mode 0755: another user may enter it). */
  const fresh = (): string => {
    const dir = tempDir();
    dirs.push(dir);
    chmodSync(dir.path, 0o755);
    return dir.path;
  };

  it('a data directory that is a regular file: exit 2, one line naming it', async () => {
    const path = join(fresh(), 'data');
    writeFileSync(path, 'not a directory');
    expectOneLineRefusal(await startFailing({ LEDGER_DATA_DIR: path }), path, /not a directory/);
  });

  it.skipIf(!isRoot)('a data directory it may not write (as nobody): exit 2, one line naming it', async () => {
    const path = join(fresh(), 'data');
    mkdirSync(path, { mode: 0o755 });
    chmodSync(path, 0o755); // owned by root: nobody may read it, not write it
    expectOneLineRefusal(await startFailing({ LEDGER_DATA_DIR: path }, NOBODY), path, /not writable/);
  });

  it.skipIf(!isRoot)('a data directory it may not read (as nobody): exit 2, one line naming it', async () => {
    const path = join(fresh(), 'data');
    mkdirSync(path);
    chownSync(path, NOBODY, NOBODY);
    chmodSync(path, 0o300); // nobody may create files in it, not list it
    expectOneLineRefusal(await startFailing({ LEDGER_DATA_DIR: path }, NOBODY), path, /not readable/);
  });

  it.skipIf(!isRoot)('a parent it may not enter (as nobody): exit 2, one line naming the data directory', async () => {
    const parent = join(fresh(), 'closed');
    mkdirSync(parent, { mode: 0o700 });
    const path = join(parent, 'data');
    expectOneLineRefusal(await startFailing({ LEDGER_DATA_DIR: path }, NOBODY), path, /permission denied/);
  });

  it('a store file another process holds locked: exit 2, one line naming the file', async () => {
    const dataDir = fresh();
    const file = join(dataDir, 'events.sqlite');
    await new SqliteEventStore({ file, clock: systemClock }).close();
    const holder = new Database(file);
    holders.push(holder);
    holder.exec('BEGIN EXCLUSIVE');
    const finished = await startFailing({ LEDGER_DATA_DIR: dataDir });
    expectOneLineRefusal(finished, file, /locked by another process/);
  });

  it('a second server on the same data directory refuses to start, naming the first one’s pid; the CLI still works; the lock goes with the first', async () => {
    const dataDir = fresh();
    const first = await startServerProcess({ LEDGER_DATA_DIR: dataDir });
    servers.push(first);
    const lock = join(dataDir, 'ledger.lock');
    expect(readFileSync(lock, 'utf8').trim()).toBe(String(first.child.pid));

    const second = await startFailing({ LEDGER_DATA_DIR: dataDir });
    expectOneLineRefusal(second, dataDir, new RegExp(`in use by another ledger server \\(pid ${first.child.pid}\\b`));
    expect((await fetch(`${first.url}/health`)).status).toBe(200);

    const verified = await ledger(['verify'], { LEDGER_DATA_DIR: dataDir });
    expect(verified.code, verified.stderr).toBe(0);
    expect(readFileSync(lock, 'utf8').trim()).toBe(String(first.child.pid));

    expect((await first.stop('SIGTERM')).code).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('a lock left by a process that is gone is taken over, and says so once', async () => {
    const dataDir = fresh();
    // A pid that surely is not running: a child that has exited.
    const gone = spawn(process.execPath, ['-e', '0']);
    await once(gone, 'exit');
    writeFileSync(join(dataDir, 'ledger.lock'), `${gone.pid}\n`);
    const server = await startServerProcess({ LEDGER_DATA_DIR: dataDir });
    servers.push(server);
    expect(readFileSync(join(dataDir, 'ledger.lock'), 'utf8').trim()).toBe(String(server.child.pid));
    const mentions = server.output.stdout.split('\n').filter((line) => line.includes('stale'));
    expect(mentions).toHaveLength(1);
    expect(mentions[0]).toContain(String(gone.pid));
  });
});
