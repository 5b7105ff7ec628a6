/** The `ledger` command line on a store it cannot open: exit 2 and one line naming the file, no stack. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ledger } from '../support/processes.js';
import { tempDir } from '../support/temp-dir.js';

describe('ledger on a data directory it cannot use', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('exits 2 with one line naming the path when the data directory is a regular file', async () => {
    const file = join(dir.path, 'not-a-directory');
    writeFileSync(file, 'x');
    const run = await ledger(['verify'], { LEDGER_DATA_DIR: file });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(file);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 with one line naming the file when the store file is not a database', async () => {
    const data = join(dir.path, 'damaged');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(data);
    writeFileSync(join(data, 'events.sqlite'), 'this is not an SQLite database, just text long enough to be read as a header');
    const run = await ledger(['verify'], { LEDGER_DATA_DIR: data });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(join(data, 'events.sqlite'));
  });
});
