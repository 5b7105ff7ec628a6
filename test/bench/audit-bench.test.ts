import { describe, expect, it, vi } from 'vitest';
import { runAuditBench } from './audit-bench.js';

describe('npm run bench -- audit (smoke: a small ledger, so the benchmark does not rot)', () => {
  it('prints replay, verify, as-of and report figures beside their baselines', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      await runAuditBench({ events: 3000, lookups: 200 });
    } finally {
      spy.mockRestore();
    }
    expect(lines.find((l) => l.startsWith('| full replay'))).toMatch(/\| [\d,]+ events\/s \| reading the log: [\d,]+ events\/s \| \d+% \|/);
    expect(lines.find((l) => l.startsWith('| verify'))).toMatch(/\| [\d,]+ events\/s \|/);
    expect(lines.find((l) => l.startsWith('| status-as-of'))).toMatch(/\| [\d,]+ \/s \| live status lookups: [\d,]+ \/s \| \d+% \| ≥ 5,000\/s \|$/);
    expect(lines.find((l) => l.startsWith('| access report over a year (1200 accesses)'))).toMatch(/\| [\d.]+ s \|/);
  }, 60_000);
});
