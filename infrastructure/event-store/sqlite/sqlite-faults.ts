/**
 * What SQLite's errors mean to the ledger, for both SQLite files (the event store and the read
 * models): at open, a one-line start-up fault naming the file; while running, whether a failed
 * write is worth retrying (the lock is held elsewhere) or the store cannot write for now (disk
 * full, read-only, I/O error), or neither (a bug: passed on as it is).
 */
import { StartupFault } from '../../config/data-dir.js';
import type { StoreUnavailableReason } from '../../../domain/ports/event-store.js';

/**
 * How long a connection's own busy handler waits for a lock held elsewhere, blocking its thread.
 * Short, so a lock held by another process never stalls the event loop; the wait goes on
 * asynchronously (`writeWithRetry`).
 */
export const BUSY_TIMEOUT_MS = 5;

/** At open (start-up, off the request path) a lock is waited for this long, blocking. */
export const OPEN_BUSY_TIMEOUT_MS = 5000;

/** An append waits at most this long in all for a lock held elsewhere before it is refused (503). */
export const WRITE_PATIENCE_MS = 750;

const code = (error: unknown): string => {
  const value = (error as { code?: unknown } | undefined)?.code;
  return typeof value === 'string' ? value : '';
};

/** SQLITE_BUSY and its extended codes: another connection holds the lock. SQLITE_LOCKED: this one's own. */
export function isBusy(error: unknown): boolean {
  const c = code(error);
  return c === 'SQLITE_BUSY' || c.startsWith('SQLITE_BUSY_') || c === 'SQLITE_LOCKED' || c.startsWith('SQLITE_LOCKED_');
}

/** Why a write failed, when the cause is the store's condition and not the write. */
export function unavailableReason(error: unknown): StoreUnavailableReason | undefined {
  const c = code(error);
  if (isBusy(error)) return 'store-locked';
  if (c === 'SQLITE_FULL' || c === 'ENOSPC') return 'disk-full';
  if (c === 'SQLITE_READONLY' || c.startsWith('SQLITE_READONLY_') || c === 'SQLITE_CANTOPEN' || c === 'EROFS') return 'read-only';
  if (c === 'SQLITE_IOERR' || c.startsWith('SQLITE_IOERR_')) return 'io-error';
  return undefined;
}

/** Seconds a client is asked to wait before giving the command again. */
export function retryAfterSeconds(reason: StoreUnavailableReason): number {
  return reason === 'store-locked' ? 1 : reason === 'disk-full' ? 10 : 5;
}

function openProblem(error: unknown): string {
  const c = code(error);
  if (isBusy(error)) return `it is locked by another process (waited ${OPEN_BUSY_TIMEOUT_MS / 1000} s)`;
  if (c === 'SQLITE_CANTOPEN') return 'it cannot be opened or created (is its directory writable?)';
  if (c === 'SQLITE_READONLY' || c.startsWith('SQLITE_READONLY_')) return 'it is read-only (the file, its -wal/-shm files or its directory are not writable)';
  if (c === 'SQLITE_PERM' || c === 'SQLITE_AUTH') return 'permission denied';
  if (c === 'SQLITE_NOTADB') return 'it is not an SQLite database';
  if (c === 'SQLITE_CORRUPT' || c.startsWith('SQLITE_CORRUPT_')) return 'the file is corrupt';
  if (c === 'SQLITE_FULL') return 'no space left on the device';
  if (c === 'SQLITE_IOERR' || c.startsWith('SQLITE_IOERR_')) return `input/output error (${c})`;
  if (c.startsWith('SQLITE_')) return `SQLite refused it (${c})`;
  // Our own checks (a schema version from a later build, a bad version 1 file) say what is wrong.
  return error instanceof Error ? error.message : String(error);
}

/** A failure to open `file` (`what`: "the event store") as one line naming it. */
export function openFault(what: string, file: string, error: unknown): StartupFault {
  return new StartupFault(`cannot open ${what} ${file}: ${openProblem(error)}`, { cause: error });
}
