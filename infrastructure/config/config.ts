/**
 * The ledger's configuration: environment variables, validated by one zod schema at start-up.
 * The server and the `ledger` CLI read the same configuration. Defaults give a working embedded
 * set-up under ./data.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables whose values must never be echoed back in an error message. */
const SECRET_VARIABLES = new Set(['LEDGER_JWT_SECRET']);

const PORT_RULE = 'must be an integer from 0 to 65535 (0 picks a free port)';
const port = z.coerce
  .number({ error: PORT_RULE })
  .int({ error: PORT_RULE })
  .min(0, { error: PORT_RULE })
  .max(65535, { error: PORT_RULE });

const positiveMs = z.coerce
  .number({ error: 'must be a whole number of milliseconds, at least 1' })
  .int({ error: 'must be a whole number of milliseconds, at least 1' })
  .min(1, { error: 'must be a whole number of milliseconds, at least 1' });

const emptyAsUndefined = (value: unknown): unknown => (value === '' ? undefined : value);

export const configSchema = z.object({
  /** Address the HTTP server binds to. */
  HOST: z.string().min(1, { error: 'must be a host name or IP address' }).default('127.0.0.1'),
  /** Port the HTTP server listens on. */
  PORT: port.default(3000),
  /** Everything the embedded default keeps: the event store file, the generated JWT secret, later read models and keys. */
  LEDGER_DATA_DIR: z.string().min(1, { error: 'must be a directory path' }).default('./data'),
  /**
   * EventStoreDB connection string (e.g. esdb://localhost:2113?tls=false). When set, the ledger
   * uses EventStoreDB instead of the embedded SQLite store. Changing it points the ledger at a
   * different log: nothing is migrated between stores.
   */
  LEDGER_EVENTSTORE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb|kdb\+discover):\/\/\S+$/, {
        error: 'must be an EventStoreDB connection string such as esdb://localhost:2113?tls=false',
      })
      .optional(),
  ),
  /**
   * Durability of the embedded store. FULL (default) survives power loss; NORMAL is faster but may
   * lose the most recent transactions on power loss (never corrupts the file).
   */
  LEDGER_SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL'], { error: 'must be FULL or NORMAL' }).default('FULL'),
  /**
   * HMAC secret for bearer tokens (HS256), at least 32 characters. When unset, one is generated
   * into <LEDGER_DATA_DIR>/jwt-secret on first start. Changing it invalidates every issued token.
   */
  LEDGER_JWT_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  ),
  /** The `iss` claim the ledger puts in tokens and requires on every request. */
  LEDGER_JWT_ISSUER: z.string().min(1, { error: 'must be a non-empty string' }).default('jpki-ledger'),
  /** Log level (pino). */
  LEDGER_LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  /** How long a shutdown waits for in-flight requests before it gives up. */
  LEDGER_SHUTDOWN_TIMEOUT_MS: positiveMs.default(10_000),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config extends RawConfig {
  /** LEDGER_DATA_DIR made absolute. */
  readonly dataDir: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, readonly allowed: string) {
    super(`configuration error: ${variable} ${allowed}`);
    this.name = 'ConfigError';
  }
}

/** Reads the configuration, or throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'configuration');
    const value = env[variable];
    const shown = value === undefined || SECRET_VARIABLES.has(variable) ? '' : ` (got ${JSON.stringify(value)})`;
    throw new ConfigError(variable, `${issue?.message ?? 'is invalid'}${shown}`);
  }
  return { ...parsed.data, dataDir: resolve(parsed.data.LEDGER_DATA_DIR) };
}
