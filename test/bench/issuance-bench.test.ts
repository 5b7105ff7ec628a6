import { describe, expect, it, vi } from 'vitest';
import { runIssuanceBench } from './issuance-bench.js';

describe('npm run bench -- issuance (smoke: a few certificates, so the benchmark does not rot)', () => {
  it('prints the issuance rate beside the bare signing rate and the floor, per durability', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      await runIssuanceBench({ certificates: 3, counters: 2, perCounter: 1 });
    } finally {
      spy.mockRestore();
    }
    const rows = lines.filter((l) => l.startsWith('| end-to-end issuance'));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/\| [\d,.]+ \| [\d,.]+ \| \d+% \| — \|$/);
    const floors = lines.filter((l) => l.startsWith('| floor:'));
    expect(floors.map((l) => l.split(' | ')[1])).toEqual(['FULL', 'NORMAL']);
    for (const row of floors) expect(row).toMatch(/\| [\d,.]+ \| [\d,.]+ \| \d+% \| — \|$/);
    const ofFloor = lines.filter((l) => l.startsWith('| end-to-end / floor'));
    for (const row of ofFloor) expect(row).toMatch(/\| \d+% \| ≥ 50% \|$/);
    const underLoad = lines.filter((l) => l.startsWith('| latency of one issuance'));
    expect(underLoad.map((l) => l.split(' | ')[1])).toEqual(['FULL', 'NORMAL']);
    for (const row of underLoad) expect(row).toMatch(/\| [\d.]+ ms \| [\d.]+ ms \| [\d.]+ ms \| [\d,.]+ \| [\d.]+ ms \| (< 100 ms|—) \|$/);
  }, 120_000);
});
