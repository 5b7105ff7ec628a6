/**
 * Secrets the embedded default generates for itself: from configuration, or created once in the
 * data directory (mode 0600, never overwritten) so that a fresh start needs no set-up. The server
 * and the CLI share them.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const JWT_SECRET_FILE = 'jwt-secret';
export const HOLDER_REF_KEY_FILE = 'holder-ref-key';

export function loadOrCreateSecret(configured: string | undefined, dataDir: string, fileName: string): string {
  if (configured !== undefined) return configured;
  const file = join(dataDir, fileName);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

export function loadOrCreateJwtSecret(configured: string | undefined, dataDir: string): string {
  return loadOrCreateSecret(configured, dataDir, JWT_SECRET_FILE);
}
