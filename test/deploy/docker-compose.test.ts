/**
 * No Docker engine runs here, so `docker compose up` cannot be exercised; these tests hold the
 * compose file and the image's start command to what the ledger actually reads and runs.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, loadConfig } from '../../infrastructure/config/config.js';
import { startServerProcess } from '../support/processes.js';
import { tempDir } from '../support/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'));

describe('docker-compose.yml', () => {
  const esdb = compose.services.eventstoredb;
  const ledger = compose.services.ledger;

  it('starts a single, insecure (local-only) EventStoreDB node with a named volume and a health check', () => {
    expect(esdb.image).toMatch(/^eventstore\/eventstore:\d+\.\d+/);
    expect(esdb.environment).toMatchObject({ EVENTSTORE_CLUSTER_SIZE: '1', EVENTSTORE_INSECURE: 'true' });
    const volume = String(esdb.volumes[0]).split(':')[0] as string;
    expect(Object.keys(compose.volumes)).toContain(volume);
    expect(esdb.healthcheck.test.join(' ')).toContain('/health/live');
  });

  it('builds the ledger from the Dockerfile and points it at that node, once healthy', () => {
    expect(ledger.build).toBe('.');
    expect(ledger.depends_on.eventstoredb.condition).toBe('service_healthy');
    const config = loadConfig(ledger.environment);
    expect(config.LEDGER_EVENTSTORE_URL).toBe('esdb://eventstoredb:2113?tls=false');
    expect(config.HOST).toBe('0.0.0.0');
  });

  it('sets only variables the ledger knows', () => {
    const known = Object.keys(configSchema.shape);
    for (const name of Object.keys(ledger.environment)) expect(known).toContain(name);
  });
});

describe('the image start command (node on the compiled output, no tsx)', () => {
  const dir = tempDir('jpki-build-');
  afterAll(() => dir.remove());

  it('compiles with tsconfig.build.json and serves /health from dist/api/main.js', async () => {
    // The image's layout: package.json, node_modules and dist side by side.
    copyFileSync(join(ROOT, 'package.json'), join(dir.path, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir.path, 'node_modules'));
    const outDir = join(dir.path, 'dist');
    const built = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', outDir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(built.stdout + built.stderr).toBe('');
    expect(built.status).toBe(0);

    const server = await startServerProcess(
      { LEDGER_DATA_DIR: join(dir.path, 'data') },
      { script: join(outDir, 'api/main.js'), tsx: false, cwd: dir.path },
    );
    const res = await fetch(`${server.url}/health`);
    expect(await res.json()).toMatchObject({ status: 'ok', store: 'sqlite' });
    expect((await server.stop('SIGTERM')).code).toBe(0);
  }, 60_000);
});
