import { parseArgs } from 'node:util';
import { exportLog } from '../../../infrastructure/audit/log-export.js';
import { systemClock } from '../../../infrastructure/clock/system-clock.js';
import type { Config } from '../../../infrastructure/config/config.js';
import { openEventStore } from '../../../infrastructure/event-store/open-event-store.js';
import { UsageError, type CommandOutput } from '../command.js';

/**
 * `export [--from <position>]`: the log as NDJSON on stdout — a header, then one event per line with
 * its hashes — for `ledger verify --file` on another machine. Safe while the server runs.
 */
export async function exportCommand(args: string[], config: Config): Promise<CommandOutput> {
  let from: bigint;
  try {
    const { values } = parseArgs({ args, options: { from: { type: 'string', default: '1' } }, strict: true, allowPositionals: false });
    if (!/^[1-9]\d*$/.test(values.from)) throw new Error(`--from must be a global position (1 or more), not "${values.from}"`);
    from = BigInt(values.from);
  } catch (error) {
    throw new UsageError(`export: ${(error as Error).message}`);
  }
  const store = await openEventStore(config, systemClock);
  async function* lines(): AsyncGenerator<string> {
    try {
      yield* exportLog(store, from, systemClock.now());
    } finally {
      await store.close();
    }
  }
  return { exitCode: 0, lines: lines() };
}
