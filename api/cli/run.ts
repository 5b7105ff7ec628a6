/** Dispatches `ledger <command> ...` to its command; exit codes: 0 ok, 1 check failed, 2 bad usage or configuration. */
import { ConfigError, loadConfig } from '../../infrastructure/config/config.js';
import { StartupFault } from '../../infrastructure/config/data-dir.js';
import { crlCommand } from './commands/crl.js';
import { exportCommand } from './commands/export.js';
import { projectionsCommand } from './commands/projections.js';
import { tokenCommand } from './commands/token.js';
import { verifyCommand } from './commands/verify.js';
import { UsageError, type CommandOutput } from './command.js';

const COMMANDS: Record<string, (args: string[], env: NodeJS.ProcessEnv) => Promise<CommandOutput>> = {
  verify: (args, env) => verifyCommand(args, loadConfig(env)),
  token: (args, env) => tokenCommand(args, loadConfig(env)),
  projections: (args, env) => projectionsCommand(args, loadConfig(env)),
  export: (args, env) => exportCommand(args, loadConfig(env)),
  crl: (args, env) => crlCommand(args, loadConfig(env)),
};

const USAGE = `usage: ledger <command> [options]
  verify [--checkpoint <file>] [--file <export>]
                                           recompute every event's hash chain and check the signed checkpoints, of the
                                           configured store or of an export (and a checkpoint held from earlier, as
                                           GET /v1/audit/checkpoints/latest returned it)
  export [--from <position>]               the log as NDJSON with its hashes, on stdout
  crl reproduce --number <n> [--type <type>] [--partition full|delta|<code>] [--out <file>]
                                           reproduce a published CRL from the log: identical, or what differs
  token --role <role> [--municipality <code>] [--sub <id>] [--organisation <name>] [--expires-in <seconds>]
  projections rebuild [name ...] | projections status`;

export async function runLedgerCli(argv: string[], env: NodeJS.ProcessEnv): Promise<CommandOutput> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) return { exitCode: 2, stderr: USAGE };
  try {
    return await command(args, env);
  } catch (error) {
    // A store that cannot be opened (a missing or unreadable data directory, a locked or damaged file): one line naming it.
    if (error instanceof ConfigError || error instanceof UsageError || error instanceof StartupFault) return { exitCode: 2, stderr: error.message };
    throw error;
  }
}

