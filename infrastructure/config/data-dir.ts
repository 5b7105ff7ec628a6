/**
 * The data directory checked before anything is opened in it: it exists (or can be made), is a
 * directory, and this process may list it and create files in it; the files already there that the
 * ledger writes are writable. Each refusal is a `StartupFault`: one line naming the path and what
 * is wrong, which `npm start` prints as it is and exits 2.
 */
import { accessSync, constants, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A reason the server cannot start that the operator can act on: its message is one line naming the path. */
export class StartupFault extends Error {
  override readonly name = 'StartupFault';
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
  }
}

/** What an errno means to an operator. */
export function describeErrno(code: unknown): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENOENT':
      return 'it does not exist';
    default:
      return typeof code === 'string' ? code : 'unknown error';
  }
}

const errno = (error: unknown): unknown => (error as { code?: unknown }).code;

/** Files the ledger writes in the data directory, which must stay writable once they exist. */
const WRITTEN_FILES = ['events.sqlite', 'events.sqlite-wal', 'events.sqlite-shm', 'read-models.sqlite', 'read-models.sqlite-wal', 'read-models.sqlite-shm', 'ledger.lock'];

export function prepareDataDir(dir: string): void {
  const label = `data directory ${dir}`;
  let stat;
  try {
    stat = statSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    throw new StartupFault(`${label} cannot be used: ${describeErrno(errno(error))}`, { cause: error });
  }
  if (stat !== undefined && !stat.isDirectory()) throw new StartupFault(`${label} is not a directory (LEDGER_DATA_DIR)`);
  if (stat === undefined) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new StartupFault(`${label} cannot be created: ${describeErrno(errno(error))}`, { cause: error });
    }
  }
  try {
    readdirSync(dir);
  } catch (error) {
    throw new StartupFault(`${label} is not readable: ${describeErrno(errno(error))}`, { cause: error });
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new StartupFault(`${label} is not writable: ${describeErrno(errno(error))}`, { cause: error });
  }
  for (const name of WRITTEN_FILES) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (error) {
      if (errno(error) === 'ENOENT') continue;
      throw new StartupFault(`${file} is not writable: ${describeErrno(errno(error))}`, { cause: error });
    }
  }
}
