import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { systemClock } from '../../../infrastructure/clock/system-clock.js';
import type { Config } from '../../../infrastructure/config/config.js';
import { openEventStore, sqliteFile } from '../../../infrastructure/event-store/open-event-store.js';
import { verifySqliteFile } from '../../../infrastructure/event-store/sqlite/sqlite-integrity.js';
import { formatReport, verifyThroughPort, type VerifyReport } from '../../../infrastructure/event-store/verify/chain-verifier.js';
import { UsageError, type CommandOutput } from '../command.js';

async function verifyConfiguredStore(config: Config): Promise<VerifyReport> {
  if (config.LEDGER_EVENTSTORE_URL === undefined) {
    const file = sqliteFile(config);
    if (!existsSync(file)) throw new UsageError(`no embedded event store at ${file} (set LEDGER_DATA_DIR or LEDGER_EVENTSTORE_URL)`);
    return verifySqliteFile(file);
  }
  const store = await openEventStore(config, systemClock);
  try {
    return await verifyThroughPort(store.readAll());
  } finally {
    await store.close();
  }
}

export async function verifyCommand(args: string[], config: Config): Promise<CommandOutput> {
  try {
    parseArgs({ args, options: {}, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(`verify: ${(error as Error).message}`);
  }
  const report = await verifyConfiguredStore(config);
  return { exitCode: report.broken === undefined ? 0 : 1, stdout: formatReport(report) };
}
