/**
 * `npm ci` on Node 20 prints no engine warning: every package in the lock file admits the oldest
 * Node the ledger supports (package.json `engines`), and the version running the tests. npm warns
 * (EBADENGINE) for exactly this, from each package's `engines.node` as the lock file records it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// semver is already in the tree (fastify's own dependency); npm judges engines with it.
const { satisfies, minVersion } = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string): unknown => JSON.parse(readFileSync(`${ROOT}${file}`, 'utf8'));

interface LockEntry {
  readonly version?: string;
  readonly engines?: unknown;
}

/** Packages of the lock file whose `engines.node` does not admit `node`, as `name@version: range`. */
function refusing(lock: { packages: Record<string, LockEntry> }, node: string): string[] {
  return Object.entries(lock.packages).flatMap(([path, entry]) => {
    const engines = entry.engines;
    const range = typeof engines === 'object' && engines !== null && !Array.isArray(engines) ? (engines as Record<string, unknown>).node : undefined;
    if (typeof range !== 'string' || satisfies(node, range)) return [];
    return [`${path.replace(/^.*node_modules\//, '')}@${entry.version ?? '?'}: ${range}`];
  });
}

describe('Node engines of every locked package', () => {
  const pkg = read('package.json') as { engines: { node: string } };
  const lock = read('package-lock.json') as { packages: Record<string, LockEntry> };
  const oldest = minVersion(pkg.engines.node)?.version ?? '';

  it('the ledger supports Node 20.19 and later', () => {
    expect(oldest).toBe('20.19.0');
  });

  it('every package admits the oldest supported Node', () => {
    expect(refusing(lock, oldest)).toEqual([]);
  });

  it('every package admits the Node running this test', () => {
    expect(refusing(lock, process.versions.node)).toEqual([]);
  });
});
