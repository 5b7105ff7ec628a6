/**
 * The composition root: configuration in, a listening server out. The event store closes only after
 * the HTTP server has stopped accepting and every in-flight request has finished.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../domain/ports/clock.js';
import type { EventStore } from '../domain/ports/event-store.js';
import { loadOrCreateJwtSecret } from '../infrastructure/auth/secrets.js';
import { systemClock } from '../infrastructure/clock/system-clock.js';
import type { Config } from '../infrastructure/config/config.js';
import { openEventStore } from '../infrastructure/event-store/open-event-store.js';
import { buildApp } from './app.js';
import { startPublicationLoop } from '../projections/publication-loop.js';
import { composeLedger } from './compose.js';
import type { LedgerDeps } from './ledger-deps.js';

/** How often CRLs due are issued and OCSP answers signed ahead for what changed (and responders checked for rotation). */
const PUBLICATION_INTERVAL_MS = 1000;

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly store: EventStore;
  /** The services and background processes (tests and benchmarks wait on them). */
  readonly ledger: LedgerDeps;
  /** e.g. http://127.0.0.1:3000 */
  readonly url: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  readonly clock?: Clock;
  /** Lets tests add routes (e.g. a slow one) before the server starts listening. */
  readonly beforeListen?: (app: FastifyInstance) => Promise<void> | void;
  readonly logLevel?: string;
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const store = await openEventStore(config, clock);
  try {
    // The runner starts after the app exists; its failures go to the app's log.
    const sink: { app?: FastifyInstance } = {};
    const ledger = await composeLedger(config, store, clock, {
      error: (details, message) => sink.app?.log.error(details, message),
      info: (details, message) => sink.app?.log.info(details, message),
    });
    const app = await buildApp({
      ledger,
      auth: {
        secret: loadOrCreateJwtSecret(config.LEDGER_JWT_SECRET, config.dataDir),
        issuer: config.LEDGER_JWT_ISSUER,
        maxLifetimeSeconds: config.LEDGER_JWT_MAX_LIFETIME_SECONDS,
      },
      ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    });
    sink.app = app;
    ledger.readModels.runner.start();
    const publication = startPublicationLoop(
      {
        crls: ledger.crls,
        ocsp: ledger.ocsp,
        responders: ledger.responders,
        sealer: { seal: ledger.logSealer.seal, everyMs: config.LEDGER_SEAL_INTERVAL_SECONDS * 1000 },
        log: sink.app.log,
      },
      PUBLICATION_INTERVAL_MS,
    );
    // Relying parties find CRLs from the first request on.
    await ledger.readModels.runner.waitFor(await store.headPosition(), 30_000);
    await publication.runOnce();
    ledger.registryReactor.start();
    app.addHook('onClose', async () => {
      await ledger.registryReactor.stop();
      await publication.stop();
      await ledger.readModels.close();
      await store.close();
    });
    await options.beforeListen?.(app);
    const url = await app.listen({ host: config.HOST, port: config.PORT });
    return { app, store, ledger, url, close: () => app.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}
