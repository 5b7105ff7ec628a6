import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyExportFile } from '../../../infrastructure/audit/verify-export.js';
import { checkpointWitness, checkpointWitnessThroughPort, heldCheckpoint, type HeldCheckpoint } from '../../../infrastructure/audit/checkpoint-verifier.js';
import { systemClock } from '../../../infrastructure/clock/system-clock.js';
import type { Config } from '../../../infrastructure/config/config.js';
import { openEventStore, sqliteFile } from '../../../infrastructure/event-store/open-event-store.js';
import { verifySqliteFile } from '../../../infrastructure/event-store/sqlite/sqlite-integrity.js';
import { formatReport, verifyThroughPort, type VerifyReport } from '../../../infrastructure/event-store/verify/chain-verifier.js';
import { UsageError, type CommandOutput } from '../command.js';

async function verifyConfiguredStore(config: Config, held?: HeldCheckpoint): Promise<VerifyReport> {
  if (config.LEDGER_EVENTSTORE_URL === undefined) {
    const file = sqliteFile(config);
    if (!existsSync(file)) throw new UsageError(`no embedded event store at ${file} (set LEDGER_DATA_DIR or LEDGER_EVENTSTORE_URL)`);
    return verifySqliteFile(file, checkpointWitness(held));
  }
  const store = await openEventStore(config, systemClock);
  try {
    const made = await checkpointWitnessThroughPort(store, held);
    if ('broken' in made) return { eventsChecked: 0, streamsChecked: 0, broken: made.broken };
    return await verifyThroughPort(store.readAll(), made.witness);
  } finally {
    await store.close();
  }
}

/** A checkpoint an auditor kept (the JSON of GET /v1/audit/checkpoints/latest): the log must still extend it. */
function readHeldCheckpoint(path: string): HeldCheckpoint {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`verify: --checkpoint ${path}: ${(error as Error).message}`);
  }
  const parsed = heldCheckpoint.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`verify: --checkpoint ${path} is not a checkpoint: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  return parsed.data;
}

export async function verifyCommand(args: string[], config: Config): Promise<CommandOutput> {
  let values: { checkpoint?: string | undefined; file?: string | undefined };
  try {
    ({ values } = parseArgs({ args, options: { checkpoint: { type: 'string' }, file: { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`verify: ${(error as Error).message}`);
  }
  const held = values.checkpoint === undefined ? undefined : readHeldCheckpoint(values.checkpoint);
  if (values.file !== undefined && !existsSync(values.file)) throw new UsageError(`verify: --file ${values.file}: no such file`);
  const report = values.file === undefined ? await verifyConfiguredStore(config, held) : await verifyExportFile(values.file, held);
  return { exitCode: report.broken === undefined ? 0 : 1, stdout: formatReport(report) };
}
