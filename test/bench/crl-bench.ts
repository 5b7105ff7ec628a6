/**
 * CRL encoding: prepareCrl + signCrl over N revoked certificates (RSA-2048 CA), beside
 * `openssl ca -gencrl` over the same revocations in the same run — openssl reads them from an
 * index.txt, sorts them, encodes and signs, as an openssl-run CA would. Times are wall clock: the
 * median of three runs for ours, one run of openssl's (which includes starting the process and
 * parsing its index).
 */
import { join } from 'node:path';
import { FileKeyStore } from '../../infrastructure/ca/file-key-store.js';
import { prepareCrl, signCrl, type CrlEntry } from '../../infrastructure/ca/crl/certificate-list.js';
import { tempDir } from '../support/temp-dir.js';
import { CRL_TIMES, opensslCaGencrl, randomEntries } from '../infrastructure/ca/crl/crl-support.js';
import { createTestCa } from '../infrastructure/ca/fixtures.js';

export interface CrlBenchResult {
  readonly entries: number;
  /** prepareCrl + signCrl with the entries in random order, and already in serial order. */
  readonly ours: { readonly randomOrderSeconds: number; readonly serialOrderSeconds: number; readonly bytes: number };
  readonly openssl: { readonly seconds: number; readonly bytes: number };
}

export async function benchCrlEncoding(entries: number): Promise<CrlBenchResult> {
  const dir = tempDir('jpki-bench-crl-');
  try {
    const store = new FileKeyStore(join(dir.path, 'keys'));
    const ca = await createTestCa(store, 'signing', 'RSA-2048');
    /** Median of three runs: on a shared machine one run can be off by half. */
    const build = async (list: readonly CrlEntry[]): Promise<{ seconds: number; bytes: number }> => {
      const runs: { seconds: number; bytes: number }[] = [];
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        const crl = await signCrl(prepareCrl({ ca, crlNumber: 1n, ...CRL_TIMES, entries: list }), store);
        runs.push({ seconds: (performance.now() - started) / 1000, bytes: crl.der.length });
      }
      return runs.sort((a, b) => a.seconds - b.seconds)[1]!;
    };
    await build(randomEntries(1000)); // compiles the hot paths before the clock matters

    const random = randomEntries(entries);
    const ours = await build(random);
    const inSerialOrder = await build(randomEntries(entries, 'serial'));

    // The FileKeyStore keeps the CA key as a PKCS#8 PEM file that openssl reads as it is.
    const generated = opensslCaGencrl(join(dir.path, 'openssl-ca'), random, { certificate: ca.certificate, keyFile: join(dir.path, 'keys', `${ca.keyId}.p8`) });
    const openssl = { seconds: generated.seconds, bytes: generated.der.length };

    const result = { entries, ours: { randomOrderSeconds: ours.seconds, serialOrderSeconds: inSerialOrder.seconds, bytes: ours.bytes }, openssl };
    print(result);
    return result;
  } finally {
    dir.remove();
  }
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function print({ entries, ours, openssl }: CrlBenchResult): void {
  console.log(`CRL benchmark — ${fmt(entries)} entries: random 127-bit serials, 1 in 5 keyCompromise with an invalidity date, 3 in 5 another reason; RSA-2048 CA`);
  console.log('| measure | seconds | DER bytes | openssl / ours |');
  console.log('|---|---:|---:|---:|');
  console.log(`| prepareCrl + signCrl, entries in random order | ${fmt(ours.randomOrderSeconds, 3)} | ${fmt(ours.bytes)} | ${fmt(openssl.seconds / ours.randomOrderSeconds, 1)}x |`);
  console.log(`| prepareCrl + signCrl, entries in serial order | ${fmt(ours.serialOrderSeconds, 3)} | ${fmt(ours.bytes)} | ${fmt(openssl.seconds / ours.serialOrderSeconds, 1)}x |`);
  console.log(`| openssl ca -gencrl, same revocations | ${fmt(openssl.seconds, 3)} | ${fmt(openssl.bytes)} | 1.0x |`);
}
