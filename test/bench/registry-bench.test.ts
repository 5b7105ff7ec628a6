import { describe, expect, it, vi } from 'vitest';
import { runRegistryBench } from './registry-bench.js';

describe('npm run bench -- registry (smoke: a few notices, so the benchmark does not rot)', () => {
  it('prints the end-to-end rate and the lag, with every notice replied to', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      await runRegistryBench({ notices: 50, durabilities: ['NORMAL'], rates: [undefined, 100] });
    } finally {
      spy.mockRestore();
    }
    const rows = lines.filter((l) => l.startsWith('| 50 |'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^\| 50 \| as fast as taken \| NORMAL \| \d+ s \| [\d.]+ s \| [\d.]+ s \| [\d.]+ s \| [\d,]+ \| \d+ ms \| \d+ ms \| 50 \|$/);
    // Paced at 100 notices/s, posting 50 takes about half a second.
    expect(rows[1]).toMatch(/^\| 50 \| 100\/s \| NORMAL \| \d+ s \| [\d.]+ s \| (0\.[4-9]|[1-9][\d.]*) s \| [\d.]+ s \| [\d,]+ \| \d+ ms \| \d+ ms \| 50 \|$/);
  }, 60_000);
});
