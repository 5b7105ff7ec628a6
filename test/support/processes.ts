/**
 * Runs the real entry points as child processes (node with the tsx loader, as `npm start` and
 * `npm run ledger` do), so tests see exactly what an operator sees.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run an entry point: from the TypeScript sources with the tsx loader (default), or compiled. */
export interface Launch {
  /** Path of the entry script; default the TypeScript source given by the caller. */
  readonly script?: string;
  /** false runs plain node, as the Docker image does with the compiled output. */
  readonly tsx?: boolean;
  readonly cwd?: string;
}

function node(entry: string, args: string[], env: Record<string, string>, launch: Launch = {}): ChildProcess {
  const loader = launch.tsx === false ? [] : ['--import', 'tsx'];
  return spawn(process.execPath, [...loader, launch.script ?? entry, ...args], {
    cwd: launch.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function finish(child: ChildProcess, collected: { stdout: string; stderr: string }): Promise<Finished> {
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal, ...collected };
}

function collect(child: ChildProcess): { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  return out;
}

/** `npm run ledger -- <args>` */
export async function ledger(args: string[], env: Record<string, string>): Promise<Finished> {
  const child = node('api/cli/ledger.ts', args, env);
  return finish(child, collect(child));
}

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
  /** Sends the signal and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<Finished>;
}

export interface SpawnedServer extends Omit<ServerProcess, 'url'> {
  /** Resolves once the server says where it listens. */
  readonly listening: Promise<string>;
}

/** `npm start`, on a free port, without waiting for it to listen (for tests that act during start-up). */
export function spawnServerProcess(env: Record<string, string>, launch: Launch = {}): SpawnedServer {
  const child = node('api/main.ts', [], { PORT: '0', ...env }, launch);
  const output = collect(child);
  const exited = finish(child, output);
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.stdout}\n${output.stderr}`)), 20_000);
    child.stdout?.on('data', () => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((f) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (code ${f.code}):\n${f.stdout}\n${f.stderr}`));
    });
  });
  listening.catch(() => undefined);
  return {
    listening,
    child,
    output,
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}

/** `npm start`, on a free port; resolves once the server says where it listens. */
export async function startServerProcess(env: Record<string, string>, launch: Launch = {}): Promise<ServerProcess> {
  const server = spawnServerProcess(env, launch);
  return { ...server, url: await server.listening };
}

/** Runs `npm start` expecting it to fail at start-up. */
export async function startExpectingFailure(env: Record<string, string>): Promise<Finished> {
  const child = node('api/main.ts', [], env);
  return finish(child, collect(child));
}
