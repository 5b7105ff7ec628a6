import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../infrastructure/config/config.js';

const errorOf = (env: Record<string, string>): ConfigError => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a configuration error');
};

describe('configuration', () => {
  it('defaults to the embedded store on 127.0.0.1:3000 under ./data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ HOST: '127.0.0.1', PORT: 3000, LEDGER_SQLITE_SYNCHRONOUS: 'FULL', LEDGER_LOG_LEVEL: 'info' });
    expect(config.LEDGER_EVENTSTORE_URL).toBeUndefined();
    expect(config.dataDir).toBe(`${process.cwd()}/data`);
  });

  it('reads every variable it knows', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      PORT: '8080',
      LEDGER_DATA_DIR: '/var/lib/ledger',
      LEDGER_EVENTSTORE_URL: 'esdb://localhost:2113?tls=false',
      LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL',
      LEDGER_JWT_SECRET: 'x'.repeat(32),
      LEDGER_LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({ HOST: '0.0.0.0', PORT: 8080, dataDir: '/var/lib/ledger', LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' });
    expect(config.LEDGER_EVENTSTORE_URL).toBe('esdb://localhost:2113?tls=false');
  });

  it('treats an empty EventStoreDB URL as unset', () => {
    expect(loadConfig({ LEDGER_EVENTSTORE_URL: '' }).LEDGER_EVENTSTORE_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'configuration error: PORT must be an integer from 0 to 65535 (0 picks a free port) (got "abc")'],
    [{ PORT: '70000' }, 'configuration error: PORT must be an integer from 0 to 65535 (0 picks a free port) (got "70000")'],
    [{ LEDGER_SQLITE_SYNCHRONOUS: 'OFF' }, 'configuration error: LEDGER_SQLITE_SYNCHRONOUS must be FULL or NORMAL (got "OFF")'],
    [{ LEDGER_EVENTSTORE_URL: 'http://localhost:2113' }, 'configuration error: LEDGER_EVENTSTORE_URL must be an EventStoreDB connection string such as esdb://localhost:2113?tls=false (got "http://localhost:2113")'],
    [{ LEDGER_LOG_LEVEL: 'loud' }, 'configuration error: LEDGER_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
  ])('stops with one line naming the variable and what is allowed: %o', (env, message) => {
    const error = errorOf(env);
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
  });

  it('never echoes a secret back', () => {
    const error = errorOf({ LEDGER_JWT_SECRET: 'short-secret' });
    expect(error.message).toBe('configuration error: LEDGER_JWT_SECRET must be at least 32 characters');
  });
});
