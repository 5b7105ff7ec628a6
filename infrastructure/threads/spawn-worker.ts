/**
 * Starts a worker thread from a module beside the caller. Built code (`.js`) is started as it is;
 * TypeScript sources (tsx, vitest) are started through tsx's loader, registered in the worker first.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

export interface SpawnOptions {
  readonly workerData?: unknown;
  readonly resourceLimits?: ResourceLimits;
}

/** `here` is the caller's `import.meta.url`; `entry` the module's name beside it, without extension. */
export function spawnWorker(here: string, entry: string, options: SpawnOptions = {}): Worker {
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${entry}.js`, here), options);
  const require = createRequire(here);
  const tsx = require('tsx/package.json') as { exports: Record<string, { import: { default: string } }> };
  const api = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), (tsx.exports['./esm/api'] as { import: { default: string } }).import.default)).href;
  const module = new URL(`./${entry}.ts`, here).href;
  const bootstrap = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(module)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
