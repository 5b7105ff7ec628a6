/**
 * `npm start`: read the configuration, start the ledger, shut down cleanly on SIGINT/SIGTERM
 * (stop accepting, finish in-flight requests, close the store).
 */
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from '../infrastructure/config/config.js';
import { startServer } from './server.js';

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
  const server = await startServer(config, { logLevel: config.LEDGER_LOG_LEVEL });
  server.app.log.info({ store: server.store.kind, dataDir: config.dataDir }, 'jpki-ledger started');
  closeWithGrace({ delay: config.LEDGER_SHUTDOWN_TIMEOUT_MS }, async ({ signal, err }) => {
    if (err !== undefined) server.app.log.error({ err }, 'shutting down after an error');
    else server.app.log.info({ signal }, 'shutting down');
    await server.close();
  });
}

await main();
