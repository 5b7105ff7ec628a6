/**
 * The `ledger` command line (`npm run ledger -- <command>`). It reads the same configuration as the
 * server and works while the server is running.
 *
 *   ledger verify [--checkpoint <file>] [--file <export>]
 *                                      recompute every hash chain and check every signed checkpoint, of the
 *                                      configured store or of an export; exit 0 ok, 1 broken
 *   ledger export [--from <position>]  the log as NDJSON with its hashes, for verify --file
 *   ledger crl reproduce --number <n> [--type <type>] [--partition <p>] [--out <file>]
 *                                      a published CRL reproduced from the log: identical, or what differs
 *   ledger token --role <role> [--municipality <code>] [--sub <id>] [--organisation <name>] [--expires-in <seconds>]
 *   ledger projections rebuild [name ...] | projections status
 */
import { once } from 'node:events';
import { runLedgerCli } from './run.js';

const output = await runLedgerCli(process.argv.slice(2), process.env);
if (output.stdout !== undefined) process.stdout.write(`${output.stdout}\n`);
if (output.lines !== undefined) {
  for await (const line of output.lines) {
    if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
  }
}
if (output.stderr !== undefined) process.stderr.write(`${output.stderr}\n`);
process.exitCode = output.exitCode;
