import { describe, expect, it } from 'vitest';
import { startServer } from '../../api/server.js';
import { loadConfig } from '../../infrastructure/config/config.js';
import { newEvent } from '../support/event-store-contract.js';
import { tempDir } from '../support/temp-dir.js';

describe('graceful shutdown', () => {
  it('stops accepting, finishes the request in flight, then closes the store', async () => {
    const dir = tempDir();
    let release: () => void = () => undefined;
    const server = await startServer(loadConfig({ LEDGER_DATA_DIR: dir.path, PORT: '0', LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' }), {
      beforeListen: (app) => {
        app.get('/test/slow', { config: { access: 'public' } }, async () => {
          await new Promise<void>((resolve) => (release = resolve));
          return { finished: true };
        });
      },
    });
    const inFlight = fetch(`${server.url}/test/slow`);
    await new Promise((r) => setTimeout(r, 100));

    const closing = server.close();
    await new Promise((r) => setTimeout(r, 100));
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    const head = await server.store.headPosition();
    expect(head).toBeGreaterThan(0n);

    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ finished: true });
    await closing;
    await expect(server.store.headPosition()).rejects.toThrow(/not open/);
    dir.remove();
  });

  it('reports the last global position on /health', async () => {
    const dir = tempDir();
    const server = await startServer(loadConfig({ LEDGER_DATA_DIR: dir.path, PORT: '0', LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' }));
    const before = await server.store.headPosition();
    await server.store.append('test-1', [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
    await server.store.append('test-2', [newEvent()], { expectedRevision: 'no_stream' });
    const res = await fetch(`${server.url}/health`);
    expect(await res.json()).toEqual({ status: 'ok', store: 'sqlite', position: (before + 3n).toString() });
    await server.close();
    dir.remove();
  });
});
