import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principal } from '../../api/auth/authentication.js';
import { startServer, type RunningServer } from '../../api/server.js';
import { loadConfig } from '../../infrastructure/config/config.js';
import { ledger } from '../support/processes.js';
import { tempDir } from '../support/temp-dir.js';

describe('ledger token', () => {
  const dir = tempDir();
  const env = { LEDGER_DATA_DIR: dir.path };
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer(loadConfig({ ...env, PORT: '0' }), {
      beforeListen: (app) => {
        app.get('/test/whoami', { config: { access: { roles: ['auditor', 'municipal-clerk'] } } }, async (request) => principal(request));
      },
    });
  });
  afterAll(async () => {
    await server.close();
    dir.remove();
  });

  const whoami = (token: string) => fetch(`${server.url}/test/whoami`, { headers: { authorization: `Bearer ${token}` } });

  it('prints a token the running server accepts, with the claims asked for', async () => {
    const result = await ledger(['token', '--role', 'auditor', '--sub', 'aud-1', '--organisation', 'audit-office'], env);
    expect(result.code).toBe(0);
    const res = await whoami(result.stdout.trim());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'aud-1', role: 'auditor', organisation: 'audit-office' });
  });

  it('gives municipal staff their municipality', async () => {
    const result = await ledger(['token', '--role', 'municipal-clerk', '--municipality', '131016'], env);
    const res = await whoami(result.stdout.trim());
    expect(await res.json()).toMatchObject({ role: 'municipal-clerk', municipality: '131016' });
  });

  it('prints a token for a role the route does not admit, which the server then refuses with 403', async () => {
    const result = await ledger(['token', '--role', 'relying-party'], env);
    expect((await whoami(result.stdout.trim())).status).toBe(403);
  });

  it.each([
    [['token', '--role', 'municipal-clerk'], 'token: --municipality municipal staff tokens must carry a municipality'],
    [['token', '--role', 'municipal-clerk', '--municipality', '13101'], 'token: --municipality must be a 6-digit local government code'],
    [['token', '--role', 'root'], 'token: --role must be one of municipal-clerk, prefectural-operator, registry-feed, auditor, privacy-council, relying-party'],
    [['token', '--role', 'auditor', '--colour', 'blue'], "token: Unknown option '--colour'"],
  ])('refuses bad options with one line and exit code 2: %o', async (args, message) => {
    const result = await ledger(args, env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`${message}\n`);
  });
});
