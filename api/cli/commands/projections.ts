import { parseArgs } from 'node:util';
import { systemClock } from '../../../infrastructure/clock/system-clock.js';
import type { Config } from '../../../infrastructure/config/config.js';
import { openEventStore } from '../../../infrastructure/event-store/open-event-store.js';
import { readCheckpoint } from '../../../projections/read-model-db.js';
import { openReadModelsFor, PROJECTIONS } from '../../../projections/read-models.js';
import { resetProjections } from '../../../projections/runner.js';
import { UsageError, type CommandOutput } from '../command.js';

const USAGE = 'projections rebuild [name ...] | projections status';

/**
 * `projections rebuild [name ...]` folds the named read models (all when none is named) again from
 * the start of the log; safe while the server runs (its runner notices and follows). `projections
 * status` prints each read model's position beside the log's head.
 */
export async function projectionsCommand(args: string[], config: Config): Promise<CommandOutput> {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} }));
  } catch (error) {
    throw new UsageError(`projections: ${(error as Error).message}`);
  }
  const [action, ...names] = positionals;
  const known = PROJECTIONS.map((p) => p.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new UsageError(`projections: unknown read model ${unknown.join(', ')}; known: ${known.join(', ')}`);
  if (action !== 'rebuild' && action !== 'status') throw new UsageError(`usage: ${USAGE}`);
  if (action === 'status' && names.length > 0) throw new UsageError(`usage: ${USAGE}`);

  const store = await openEventStore(config, systemClock);
  const readModels = openReadModelsFor(config.dataDir, store);
  try {
    const head = await store.headPosition();
    if (action === 'status') {
      const lines = PROJECTIONS.map((p) => `${p.name}: ${readCheckpoint(readModels.db, p.name)} of ${head}`);
      return { exitCode: 0, stdout: lines.join('\n') };
    }
    const started = performance.now();
    const rebuilt = resetProjections(readModels.db, PROJECTIONS, names);
    await readModels.runner.catchUp();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    return { exitCode: 0, stdout: `rebuilt ${rebuilt.join(', ')} to position ${readModels.runner.position} in ${seconds} s` };
  } finally {
    await readModels.close();
    await store.close();
  }
}
