/**
 * An app on a fresh embedded store in a temp directory, with a token helper, for API tests that
 * inject requests (nothing listens).
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app.js';
import { CA_KEYS_DIR, composeLedger } from '../../api/compose.js';
import type { LedgerDeps } from '../../api/ledger-deps.js';
import { loadConfig } from '../../infrastructure/config/config.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { ReactorDeps } from '../../domain/registry/services.js';
import type { Role } from '../../domain/shared/roles.js';
import { signToken } from '../../infrastructure/auth/token-signer.js';
import { FileKeyStore } from '../../infrastructure/ca/file-key-store.js';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { systemClock } from './clocks.js';
import { tempDir } from './temp-dir.js';

export const TEST_SECRET = 'test-secret-of-at-least-thirty-two-characters';
export const TEST_ISSUER = 'jpki-ledger-test';

export interface TokenClaims {
  readonly role: Role | string;
  readonly sub?: string;
  readonly organisation?: string;
  readonly municipality?: string;
}

export function tokenFor(claims: TokenClaims, options: { secret?: string; issuer?: string; expiresInSeconds?: number } = {}): string {
  return signToken(
    { sub: claims.sub ?? `test-${claims.role}`, organisation: claims.organisation ?? 'test-org', ...claims },
    { secret: options.secret ?? TEST_SECRET, issuer: options.issuer ?? TEST_ISSUER, expiresInSeconds: options.expiresInSeconds ?? 600 },
  );
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface TestApp {
  readonly app: FastifyInstance;
  /** The embedded store, or the one `openStore` gave (then typed as the port only). */
  readonly store: SqliteEventStore;
  readonly ledger: LedgerDeps;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** Builds the app; `extend` may add test-only routes before it is ready. */
export async function testApp(
  options: {
    clock?: Clock;
    extend?: (app: FastifyInstance) => void;
    env?: Record<string, string>;
    log?: { write(line: string): void };
    authSecret?: string;
    /** Another event store than the embedded one (e.g. EventStoreDB through the stand-in). */
    openStore?: (clock: Clock) => Promise<EventStore>;
  } = {},
): Promise<TestApp> {
  const dir = tempDir();
  const clock = options.clock ?? systemClock;
  const store = (
    options.openStore === undefined ? new SqliteEventStore({ file: join(dir.path, 'events.sqlite'), clock, synchronous: 'NORMAL' }) : await options.openStore(clock)
  ) as SqliteEventStore;
  const config = loadConfig({ LEDGER_DATA_DIR: dir.path, LEDGER_HOLDER_REF_KEY: 'test-holder-ref-key-of-at-least-32-chars', ...options.env });
  const ledger = await composeLedger(config, store, clock);
  ledger.readModels.runner.start();
  ledger.registryReactor.start();
  const app = await buildApp({
    ledger,
    auth: { secret: options.authSecret ?? TEST_SECRET, issuer: TEST_ISSUER, maxLifetimeSeconds: config.LEDGER_JWT_MAX_LIFETIME_SECONDS },
    ...(options.log === undefined ? {} : { logLevel: 'info', logStream: options.log }),
  });
  try {
    options.extend?.(app);
    await app.ready();
  } catch (error) {
    await store.close();
    dir.remove();
    throw error;
  }
  return {
    app,
    store,
    ledger,
    dataDir: dir.path,
    close: async () => {
      await app.close();
      await ledger.registryReactor.stop();
      await ledger.readModels.close();
      await store.close();
      dir.remove();
    },
  };
}

/** The app's key store, opened again: what an auditor's `ledger crl reproduce` signs with. */
export function keyStoreOf(t: TestApp): FileKeyStore {
  return new FileKeyStore(join(t.dataDir, CA_KEYS_DIR));
}

/** What the registry reactor's steps work with, over this thread's connections: a test runs a step again with them. */
export function reactorDepsOf(t: TestApp): ReactorDeps {
  const { store, ids, clock, readModels } = t.ledger;
  return { store, ids, clock, register: readModels.certificateStatus, notices: readModels.registryNotices };
}
