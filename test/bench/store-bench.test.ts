import { describe, expect, it, vi } from 'vitest';
import { runStoreBench } from './store-bench.js';

describe('npm run bench -- store (smoke: tiny sizes, so the benchmark does not rot)', () => {
  it('prints every measure beside its raw baseline with a ratio', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      await runStoreBench({ events: 3000, appends: 20 });
    } finally {
      spy.mockRestore();
    }
    const rows = lines.filter((l) => /^\| (append|readAll)/.test(l));
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row).toMatch(/\| [\d,]+ \| [\d,]+ \| \d+% \| ≥ \d+% \|$/);
  }, 60_000);
});
