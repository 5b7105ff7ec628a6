/**
 * How long the fuzz runs. `npm test` runs it bounded (a few runs per route, a fixed seed, so CI
 * sees the same requests every time); `npm run fuzz -- --runs N [--seed S]` sets FUZZ_RUNS and
 * FUZZ_SEED (test/fuzz/run.mjs). fast-check prints the seed and the path of a failure; give both
 * back as FUZZ_SEED / FUZZ_PATH to replay it.
 */
import type { Parameters } from 'fast-check';

const positive = (name: string): number | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, not ${raw}`);
  return value;
};

/** Runs per property: FUZZ_RUNS when set, otherwise the bounded default. */
export function runs(bounded: number): number {
  return positive('FUZZ_RUNS') ?? bounded;
}

/** Whether this is a long run (npm run fuzz), where time limits are lifted. */
export const longRun = process.env.FUZZ_RUNS !== undefined && process.env.FUZZ_RUNS !== '';

/** A seed as fast-check prints it: any 32-bit integer, negative ones too. */
function seedOf(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 32) throw new Error(`FUZZ_SEED must be a seed as fast-check prints it, not ${raw}`);
  return value;
}

/** The bounded run's seed is fixed; a long run draws one unless FUZZ_SEED is given. */
const seed = seedOf(process.env.FUZZ_SEED) ?? (longRun ? undefined : 20_251_225);

export function parameters<T>(bounded: number): Parameters<T> {
  const path = process.env.FUZZ_PATH;
  return {
    numRuns: runs(bounded),
    ...(seed === undefined ? {} : { seed }),
    ...(path === undefined || path === '' ? {} : { path }),
    // A failure is shrunk, but never for longer than the run itself may take.
    interruptAfterTimeLimit: longRun ? 3_600_000 : 60_000,
    markInterruptAsFailure: false,
    verbose: 1,
  };
}

/** vitest's timeout for a property of `bounded` runs taking about `msPerRun` each. */
export function timeoutFor(bounded: number, msPerRun: number): number {
  return Math.max(30_000, runs(bounded) * msPerRun * 3 + 30_000);
}
