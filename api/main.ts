/**
 * `npm start`: read the configuration, check the data directory and take its lock (one server per
 * directory), start the ledger, shut down cleanly on SIGINT/SIGTERM (stop accepting, finish
 * in-flight requests, close the store, release the lock).
 *
 * Exit codes: 1 a bad setting; 2 a data directory or store the server cannot use (unreadable,
 * unwritable, locked by another process, in use by another server), printed as one line naming
 * the path — with the underlying error's stack only at LEDGER_LOG_LEVEL debug or trace.
 */
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig, type Config } from '../infrastructure/config/config.js';
import { prepareDataDir, StartupFault } from '../infrastructure/config/data-dir.js';
import { acquireDataDirLock, type DataDirLock } from '../infrastructure/config/data-dir-lock.js';
import { startServer, type RunningServer } from './server.js';

function refuse(fault: StartupFault, config: Config): never {
  process.stderr.write(`${fault.message}\n`);
  if (['debug', 'trace'].includes(config.LEDGER_LOG_LEVEL) && fault.cause instanceof Error) process.stderr.write(`${fault.cause.stack ?? ''}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  let lock: DataDirLock;
  let server: RunningServer;
  try {
    prepareDataDir(config.dataDir);
    lock = acquireDataDirLock(config.dataDir);
  } catch (error) {
    if (error instanceof StartupFault) refuse(error, config);
    throw error;
  }
  try {
    const stalePid = lock.tookOverFrom;
    server = await startServer(config, {
      logLevel: config.LEDGER_LOG_LEVEL,
      beforeListen: (app) => {
        if (stalePid !== undefined) app.log.warn({ lock: lock.file, stalePid }, `took over a stale data-directory lock left by pid ${stalePid}, which is not running`);
      },
    });
  } catch (error) {
    lock.release();
    if (error instanceof StartupFault) refuse(error, config);
    throw error;
  }
  server.app.log.info({ store: server.store.kind, dataDir: config.dataDir }, 'jpki-ledger started');
  closeWithGrace({ delay: config.LEDGER_SHUTDOWN_TIMEOUT_MS }, async ({ signal, err }) => {
    if (err !== undefined) server.app.log.error({ err }, 'shutting down after an error');
    else server.app.log.info({ signal }, 'shutting down');
    try {
      await server.close();
    } finally {
      lock.release();
    }
  });
}

await main();
