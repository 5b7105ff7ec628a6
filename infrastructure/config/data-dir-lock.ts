/**
 * One server per data directory: `<dataDir>/ledger.lock` holds the running server's pid. It is
 * created with O_EXCL (exactly one of two servers starting at once gets it); a lock whose pid is no
 * longer running (a server killed with SIGKILL, a container restarted) is taken over. The `ledger`
 * CLI does not take it: it is meant to run beside the server.
 *
 * Two servers on one embedded store would each keep caches of the read models and run their own
 * projection runner, registry reactor and CRL publication against the same files: CRL numbers and
 * OCSP caches would race. So the second is refused rather than shared.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describeErrno, StartupFault } from './data-dir.js';

export const LOCK_FILE = 'ledger.lock';

export interface DataDirLock {
  readonly file: string;
  /** The pid of a server that had died without releasing the lock, when this one took it over. */
  readonly tookOverFrom?: number;
  /** Removes the lock file if it is still this process's. Safe to call more than once. */
  release(): void;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return false; // a lock naming this very process was left by an earlier one with the same pid (containers)
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  let tookOverFrom: number | undefined;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o644);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== 'EEXIST') throw new StartupFault(`cannot create the lock ${file}: ${describeErrno(code)}`, { cause: error });
      const holder = readPid(file);
      if (holder !== undefined && isRunning(holder)) {
        throw new StartupFault(
          `data directory ${dataDir} is in use by another ledger server (pid ${holder}, in ${file}); stop it first, or delete the file if that pid is not a ledger server`,
        );
      }
      // Gone (or the file was left half-written): take it over, unless another starter just did.
      if (readPid(file) !== holder) continue;
      try {
        unlinkSync(file);
      } catch (unlinkError) {
        if ((unlinkError as { code?: unknown }).code !== 'ENOENT') throw new StartupFault(`cannot remove the stale lock ${file}: ${describeErrno((unlinkError as { code?: unknown }).code)}`);
      }
      if (holder !== undefined) tookOverFrom = holder;
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      file,
      ...(tookOverFrom === undefined ? {} : { tookOverFrom }),
      release: () => {
        if (released) return;
        released = true;
        if (readPid(file) === process.pid) {
          try {
            unlinkSync(file);
          } catch {
            // already gone
          }
        }
      },
    };
  }
  throw new StartupFault(`cannot take the lock ${file}: other servers are starting on data directory ${dataDir} at the same time`);
}
