/**
 * `npm run fuzz -- [--runs N] [--seed S] [--model | --all]`: the fuzz suite run longer than in
 * `npm test`. Without --model: every route (routes.fuzz.test.ts) and the kept findings; --model:
 * the model-based test of command identity; --all: both. --runs sets the runs per property
 * (default 1000), --seed replays a seed fast-check printed (with FUZZ_PATH=… for its path).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const usage = 'usage: npm run fuzz -- [--runs N] [--seed S] [--model | --all]';
const args = process.argv.slice(2);
let runs = '1000';
let seed: string | undefined;
let files = ['test/fuzz/routes.fuzz.test.ts', 'test/fuzz/regressions.test.ts'];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const value = (pattern = /^[1-9]\d*$/) => {
    const v = args[++i];
    if (v === undefined || !pattern.test(v)) {
      console.error(`${arg} needs a whole number${pattern.source.startsWith('^-') ? '' : ' of at least 1'}\n${usage}`);
      process.exit(2);
    }
    return v;
  };
  if (arg === '--runs') runs = value();
  else if (arg === '--seed') seed = value(/^-?\d+$/);
  else if (arg === '--model') files = ['test/fuzz/command-identity.model.test.ts'];
  else if (arg === '--all') files = ['test/fuzz/'];
  else {
    console.error(`unknown argument ${arg}\n${usage}`);
    process.exit(2);
  }
}

console.log(`fuzz: ${runs} runs per property${seed === undefined ? ' (a fresh seed; fast-check prints it on failure)' : `, seed ${seed}`}: ${files.join(' ')}`);
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', '--reporter=verbose', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs, ...(seed === undefined ? {} : { FUZZ_SEED: seed }) },
});
process.exit(result.status ?? 1);
