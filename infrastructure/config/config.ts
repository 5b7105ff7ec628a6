/**
 * The ledger's configuration: environment variables, validated by one zod schema at start-up.
 * The server and the `ledger` CLI read the same configuration. Defaults give a working embedded
 * set-up under ./data.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables whose values must never be echoed back in an error message. */
const SECRET_VARIABLES = new Set(['LEDGER_JWT_SECRET', 'LEDGER_HOLDER_REF_KEY']);

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

const distinguishedName = z
  .string()
  .regex(/^\s*(C|ST|L|O|OU|CN)=[^,=]+(\s*,\s*(C|ST|L|O|OU|CN)=[^,=]+)*\s*$/, {
    error: 'must be a name such as "C=JP, O=JPKI, OU=JPKI for digital signature" (C, ST, L, O, OU, CN; no commas in values)',
  });

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
  /** The longest a bearer token may live: its `exp` at most this many seconds after its `iat` (`ledger token` keeps within it). */
  LEDGER_JWT_MAX_LIFETIME_SECONDS: z.coerce
    .number({ error: 'must be a whole number of seconds, at least 60' })
    .int({ error: 'must be a whole number of seconds, at least 60' })
    .min(60, { error: 'must be a whole number of seconds, at least 60' })
    .default(43_200),
  /**
   * Base of every URL the ledger puts in certificates (CRL distribution points, OCSP, CA issuers).
   * Default: http://<HOST>:<PORT>. Changing it changes only certificates issued afterwards.
   */
  LEDGER_PUBLIC_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  /** Key algorithm of the issuing CAs, used when they are first established (existing CAs keep theirs). */
  LEDGER_CA_KEY_ALGORITHM: z.enum(['RSA-2048', 'ECDSA-P256'], { error: 'must be RSA-2048 or ECDSA-P256' }).default('RSA-2048'),
  /** The prefecture named in the issuer names and in the signing subject's first L=. */
  LEDGER_PREFECTURE: z.string().min(1, { error: 'must be a non-empty name' }).default('Tokyo'),
  /** Issuer names of the two roots (RFC 4514 order, most significant first), used when they are first established. */
  LEDGER_CA_NAME_SIGNING: z.preprocess(emptyAsUndefined, distinguishedName.optional()),
  LEDGER_CA_NAME_USER_AUTHENTICATION: z.preprocess(emptyAsUndefined, distinguishedName.optional()),
  /** Certificate policy OIDs (defaults: JPKI's production OIDs). */
  LEDGER_POLICY_OID_SIGNING: z.string().regex(/^\d+(\.\d+)+$/, { error: 'must be a dotted OID' }).default('1.2.392.200149.8.5.1.1.20'),
  LEDGER_POLICY_OID_USER_AUTHENTICATION: z.string().regex(/^\d+(\.\d+)+$/, { error: 'must be a dotted OID' }).default('1.2.392.200149.8.5.1.3.30'),
  /** The CPS URI in both policies. Default: <LEDGER_PUBLIC_URL>/cps */
  LEDGER_CPS_URI: z.preprocess(emptyAsUndefined, z.url({ error: 'must be a URL' }).optional()),
  /** fifth-birthday (My Number era, default) or three-years (Juki-card era). */
  LEDGER_VALIDITY_RULE: z.enum(['fifth-birthday', 'three-years'], { error: 'must be fifth-birthday or three-years' }).default('fifth-birthday'),
  /** Whether a lost-card hold may be lifted (then `removeFromCRL` in the next delta CRL); as in JPKI, off: a hold ends in revocation. */
  LEDGER_HOLD_LIFTING: z.enum(['off', 'on'], { error: 'must be off or on' }).default('off'),
  /** Whether the read models are folded in a worker thread (on, default: another core) or in the server's own thread. */
  LEDGER_PROJECTION_WORKER: z.enum(['off', 'on'], { error: 'must be off or on' }).default('on'),
  /**
   * Key of the holderRef pseudonym (HMAC of the resident record code), at least 32 characters.
   * Unset: generated into <LEDGER_DATA_DIR>/holder-ref-key. It must never change once holders exist:
   * registry matching finds certificates by it. Back it up with the data directory.
   */
  LEDGER_HOLDER_REF_KEY: z.preprocess(emptyAsUndefined, z.string().min(32, { error: 'must be at least 32 characters' }).optional()),
  /** CRLs: nextUpdate − thisUpdate of every CRL issued. */
  LEDGER_CRL_NEXT_UPDATE_SECONDS: z.coerce.number({ error: 'must be a whole number of seconds, at least 60' }).int().min(60, { error: 'must be a whole number of seconds, at least 60' }).default(86_400),
  /** CRLs: changes to the revocation list within this interval are coalesced into one new CRL. */
  LEDGER_CRL_MIN_INTERVAL_SECONDS: z.coerce.number({ error: 'must be a whole number of seconds, at least 1' }).int().min(1, { error: 'must be a whole number of seconds, at least 1' }).default(5),
  /** CRLs: a CRL is issued again, changed or not, when less than this remains before its nextUpdate (below LEDGER_CRL_NEXT_UPDATE_SECONDS). */
  LEDGER_CRL_REFRESH_BEFORE_SECONDS: z.coerce.number({ error: 'must be a whole number of seconds, at least 1' }).int().min(1, { error: 'must be a whole number of seconds, at least 1' }).default(3_600),
  /** OCSP: how long a response is valid (nextUpdate − thisUpdate). */
  LEDGER_OCSP_VALIDITY_SECONDS: z.coerce.number({ error: 'must be a whole number of seconds, at least 60' }).int().min(60, { error: 'must be a whole number of seconds, at least 60' }).default(14_400),
  /** OCSP: a pre-signed response is signed again when less than this remains before its nextUpdate (below the validity). */
  LEDGER_OCSP_REFRESH_BEFORE_SECONDS: z.coerce.number({ error: 'must be a whole number of seconds, at least 1' }).int().min(1, { error: 'must be a whole number of seconds, at least 1' }).default(3_600),
  /** OCSP: validity of each delegated responder certificate, and how long before its expiry it is replaced (below the validity). */
  LEDGER_OCSP_RESPONDER_VALIDITY_DAYS: z.coerce.number({ error: 'must be a whole number of days, at least 2' }).int().min(2, { error: 'must be a whole number of days, at least 2' }).default(30),
  LEDGER_OCSP_RESPONDER_ROTATE_DAYS: z.coerce.number({ error: 'must be a whole number of days, at least 1' }).int().min(1, { error: 'must be a whole number of days, at least 1' }).default(7),
  /** Log level (pino). */
  /** The provable log: a signed checkpoint over the global order is sealed this often (when the log grew), and on demand. */
  LEDGER_SEAL_INTERVAL_SECONDS: z.coerce.number({ error: 'must be a whole number of seconds, at least 1' }).int().min(1, { error: 'must be a whole number of seconds, at least 1' }).default(300),
  /** Access reports: business hours in JST (HH:MM-HH:MM, Monday to Friday); accesses outside them are flagged. */
  LEDGER_BUSINESS_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, { error: 'must be HH:MM-HH:MM (JST), e.g. 08:30-17:30' })
    .refine((v) => v.slice(0, 5) < v.slice(6), { error: 'must end after it starts' })
    .default('08:30-17:30'),
  /** Access reports: counts below this are suppressed. */
  LEDGER_REPORT_MIN_CELL: z.coerce.number({ error: 'must be a whole number, at least 1' }).int().min(1, { error: 'must be a whole number, at least 1' }).default(5),
  LEDGER_LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  /** How long a shutdown waits for in-flight requests before it gives up. */
  LEDGER_SHUTDOWN_TIMEOUT_MS: positiveMs.default(10_000),
});

/** Invariants across variables, checked after each one is valid on its own (boulder's habit). */
const checkedSchema = configSchema.superRefine((c, ctx) => {
  if (c.LEDGER_OCSP_REFRESH_BEFORE_SECONDS >= c.LEDGER_OCSP_VALIDITY_SECONDS) {
    ctx.addIssue({ code: 'custom', path: ['LEDGER_OCSP_REFRESH_BEFORE_SECONDS'], message: 'must be less than LEDGER_OCSP_VALIDITY_SECONDS' });
  }
  if (c.LEDGER_CRL_REFRESH_BEFORE_SECONDS >= c.LEDGER_CRL_NEXT_UPDATE_SECONDS) {
    ctx.addIssue({ code: 'custom', path: ['LEDGER_CRL_REFRESH_BEFORE_SECONDS'], message: 'must be less than LEDGER_CRL_NEXT_UPDATE_SECONDS' });
  }
  if (c.LEDGER_OCSP_RESPONDER_ROTATE_DAYS >= c.LEDGER_OCSP_RESPONDER_VALIDITY_DAYS) {
    ctx.addIssue({ code: 'custom', path: ['LEDGER_OCSP_RESPONDER_ROTATE_DAYS'], message: 'must be less than LEDGER_OCSP_RESPONDER_VALIDITY_DAYS' });
  }
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config extends RawConfig {
  /** LEDGER_DATA_DIR made absolute. */
  readonly dataDir: string;
  /** LEDGER_PUBLIC_URL, or http://<HOST>:<PORT>, without a trailing slash. */
  readonly publicUrl: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, readonly allowed: string) {
    super(`configuration error: ${variable} ${allowed}`);
    this.name = 'ConfigError';
  }
}

/** Reads the configuration, or throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = checkedSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'configuration');
    const value = env[variable];
    const shown = value === undefined || SECRET_VARIABLES.has(variable) ? '' : ` (got ${JSON.stringify(value)})`;
    throw new ConfigError(variable, `${issue?.message ?? 'is invalid'}${shown}`);
  }
  const data = parsed.data;
  const publicUrl = (data.LEDGER_PUBLIC_URL ?? `http://${data.HOST}:${data.PORT}`).replace(/\/+$/, '');
  return { ...data, dataDir: resolve(data.LEDGER_DATA_DIR), publicUrl };
}
