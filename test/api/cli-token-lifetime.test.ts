/**
 * `ledger token` keeps within LEDGER_JWT_MAX_LIFETIME_SECONDS: its default lifetime is admitted by
 * a server with the same configuration, and a longer `--expires-in` is a usage error naming the limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principal } from '../../api/auth/authentication.js';
import { startServer, type RunningServer } from '../../api/server.js';
import { ConfigError, loadConfig } from '../../infrastructure/config/config.js';
import { ledger } from '../support/processes.js';
import { tempDir } from '../support/temp-dir.js';

const claimsOf = (token: string): Record<string, number> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, number>;

describe('ledger token and the longest token lifetime', () => {
  const dir = tempDir();
  const env = { LEDGER_DATA_DIR: dir.path, LEDGER_JWT_MAX_LIFETIME_SECONDS: '600' };
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer(loadConfig({ ...env, PORT: '0' }), {
      beforeListen: (app) => {
        app.get('/test/whoami', { config: { access: { roles: ['auditor'] } } }, async (request) => principal(request));
      },
    });
  });
  afterAll(async () => {
    await server.close();
    dir.remove();
  });

  const whoami = (token: string) => fetch(`${server.url}/test/whoami`, { headers: { authorization: `Bearer ${token}` } });

  it('prints by default a token no longer-lived than the configured maximum, which the server admits', async () => {
    const result = await ledger(['token', '--role', 'auditor'], env);
    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    const { iat, exp } = claimsOf(token);
    expect((exp ?? 0) - (iat ?? 0)).toBeLessThanOrEqual(600);
    expect((await whoami(token)).status).toBe(200);
  });

  it('prints a token of exactly the maximum lifetime when asked', async () => {
    const result = await ledger(['token', '--role', 'auditor', '--expires-in', '600'], env);
    expect(result.code).toBe(0);
    expect((await whoami(result.stdout.trim())).status).toBe(200);
  });

  it('refuses an --expires-in above the maximum with one line naming the limit and exit code 2', async () => {
    const result = await ledger(['token', '--role', 'auditor', '--expires-in', '601'], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('token: --expires-in must be at most 600 seconds (LEDGER_JWT_MAX_LIFETIME_SECONDS)\n');
  });

  it('on the default configuration, prints a token within 43,200 s', async () => {
    const result = await ledger(['token', '--role', 'auditor'], { LEDGER_DATA_DIR: dir.path });
    const { iat, exp } = claimsOf(result.stdout.trim());
    expect((exp ?? 0) - (iat ?? 0)).toBeLessThanOrEqual(43_200);
    const tooLong = await ledger(['token', '--role', 'auditor', '--expires-in', '43201'], { LEDGER_DATA_DIR: dir.path });
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toBe('token: --expires-in must be at most 43200 seconds (LEDGER_JWT_MAX_LIFETIME_SECONDS)\n');
  });

  it('refuses a maximum that is not a whole number of seconds, at least 60, naming the variable', () => {
    for (const value of ['forever', '59', '1.5']) {
      expect(() => loadConfig({ LEDGER_JWT_MAX_LIFETIME_SECONDS: value })).toThrow(ConfigError);
      expect(() => loadConfig({ LEDGER_JWT_MAX_LIFETIME_SECONDS: value })).toThrow(
        `configuration error: LEDGER_JWT_MAX_LIFETIME_SECONDS must be a whole number of seconds, at least 60 (got ${JSON.stringify(value)})`,
      );
    }
    expect(loadConfig({}).LEDGER_JWT_MAX_LIFETIME_SECONDS).toBe(43_200);
  });
});
