/**
 * `npm run bench -- <suite> [options]`: prints figures beside a baseline measured in the same run.
 * Suites: store, issuance, publication (CRL generation; OCSP and status queries per second), registry, audit. Every suite records its figures in docs/performance.md by hand, with the machine.
 */
import { parseArgs } from 'node:util';
import { runAuditBench } from './audit-bench.js';
import { benchCrlEncoding } from './crl-bench.js';
import { runIssuanceBench } from './issuance-bench.js';
import { runRegistryBench } from './registry-bench.js';
import { runServingBench } from './serving-bench.js';
import { runStoreBench } from './store-bench.js';

const SUITES: Record<string, (options: Record<string, string | undefined>) => Promise<void>> = {
  store: (o) => runStoreBench({ events: Number(o.events ?? 1_000_000), appends: Number(o.appends ?? 2_000) }),
  issuance: (o) =>
    runIssuanceBench({ certificates: Number(o.certificates ?? 200), counters: Number(o.counters ?? 50), perCounter: Number(o['per-counter'] ?? 8) }),
  registry: (o) =>
    runRegistryBench({
      notices: Number(o.notices ?? 100_000),
      durabilities: (o.durability ?? 'NORMAL,FULL').split(',') as ('FULL' | 'NORMAL')[],
      ...(o.rate === undefined ? {} : { rates: o.rate.split(',').map((r) => (r === 'max' ? undefined : Number(r))) }),
    }),
  audit: (o) => runAuditBench({ events: Number(o.events ?? 1_000_000), lookups: Number(o.lookups ?? 50_000) }),
  publication: async (o) => {
    for (const entries of (o.entries ?? '100000,1000000').split(',').map(Number)) await benchCrlEncoding(entries);
    await runServingBench({ seconds: Number(o.seconds ?? 10) });
  },
};

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { events: { type: 'string' }, appends: { type: 'string' }, certificates: { type: 'string' }, entries: { type: 'string' }, seconds: { type: 'string' }, notices: { type: 'string' }, durability: { type: 'string' }, lookups: { type: 'string' }, rate: { type: 'string' }, counters: { type: 'string' }, 'per-counter': { type: 'string' } },
});
const names = positionals.length > 0 ? positionals : Object.keys(SUITES);
for (const name of names) {
  const suite = SUITES[name];
  if (suite === undefined) {
    console.error(`unknown suite ${name}; suites: ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
  await suite(values);
}
