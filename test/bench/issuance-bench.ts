/**
 * `npm run bench -- issuance`: end-to-end issuance through the service layer on the embedded store
 * — submit, identity verification, public key (CSR inspection and ledger-wide key registration),
 * issue (prepare, sign, record, holder record) — in certificates per second, beside the bare cost
 * of one CA signature (the file key store signing a TBS-sized buffer) measured in the same run.
 * The residents' CSRs are made before the clock starts: generating keys is the card's work, not
 * the ledger's. Target (issue 25): at least 50% of the floor below, per durability.
 *
 * Beside it, per durability, the floor: what any ledger keeping issue 4's rules must spend on one
 * certificate here at the least — the bare signature and the five commits those rules need (the
 * application, the identity check, the accepted key, what is about to be signed, the signed
 * certificate: each command durable when it answers, the prepared record before the signature),
 * each commit one event on raw better-sqlite3 at the same durability. Nothing else: no reads, no
 * CSR check, no TBS, no envelope. The floor's ratio is the best the target could be met by.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { composeLedger } from '../../api/compose.js';
import { recordIdentityVerification, submitApplication, submitPublicKey } from '../../domain/application/services.js';
import { issueCertificate } from '../../domain/issuance/issue-certificate.js';
import type { Caller } from '../../domain/shared/caller.js';
import { FileKeyStore } from '../../infrastructure/ca/file-key-store.js';
import { systemClock } from '../../infrastructure/clock/system-clock.js';
import { loadConfig } from '../../infrastructure/config/config.js';
import type { NewEvent } from '../../domain/ports/event-store.js';
import type { Synchronous } from '../../infrastructure/event-store/sqlite/schema.js';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { residentCsr } from '../support/resident-csr.js';
import { tempDir } from '../support/temp-dir.js';
import { bareSigningUnderLoad, issuanceUnderLoad, WARM_UP } from './counters-bench.js';
import { newEvents, openRaw, rawInserter } from './raw-sqlite.js';

const caller = (role: string, key: string): Caller => ({
  actor: { id: `${role}-1`, role, organisation: 'bench' },
  ...(role === 'municipal-clerk' ? { municipality: '131016' } : {}),
  correlationId: key,
  causationId: key,
  idempotencyKey: key,
});

function must<T>(result: E.Either<{ detail: string }, T>): T {
  if (E.isLeft(result)) throw new Error(result.left.detail);
  return result.right;
}

async function issuanceRate(dir: string, synchronous: Synchronous, csrs: readonly string[]): Promise<number> {
  const config = loadConfig({ LEDGER_DATA_DIR: join(dir, synchronous), LEDGER_SQLITE_SYNCHRONOUS: synchronous });
  const store = new SqliteEventStore({ file: join(dir, `${synchronous}.sqlite`), clock: systemClock, synchronous });
  const deps = await composeLedger(config, store, systemClock);
  const started = performance.now();
  for (const [i, csr] of csrs.entries()) {
    const clerk = (step: string) => caller('municipal-clerk', `${i}-${step}`);
    const { applicationId } = must(
      await submitApplication(deps, clerk('submit'), {
        certificateType: 'signing',
        municipalityCode: '131016',
        applicant: { residentRecordCode: String(40000000000 + i), name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区千代田１－１' },
      }),
    );
    must(await recordIdentityVerification(deps, clerk('identity'), applicationId, { result: 'verified', method: 'photo-id', documentType: 'my-number-card' }));
    must(await submitPublicKey(deps, clerk('key'), applicationId, csr));
    must(await issueCertificate(deps, caller('prefectural-operator', `${i}-issue`), applicationId));
  }
  const rate = (csrs.length / (performance.now() - started)) * 1000;
  await store.close();
  return rate;
}

interface BareSigner {
  readonly keys: FileKeyStore;
  readonly keyId: string;
}

async function bareSigner(dir: string): Promise<BareSigner> {
  const keys = new FileKeyStore(join(dir, 'bare-keys'));
  const { keyId } = await keys.generate('RSA-2048');
  await keys.sign(keyId, randomBytes(1200));
  return { keys, keyId };
}

/** The bare cost of one RSA-2048 CA signature through the file key store, as signatures per second. */
export async function bareSigningRate(dir: string, count: number, signer?: BareSigner): Promise<number> {
  const { keys, keyId } = signer ?? (await bareSigner(dir));
  const tbs = randomBytes(1200);
  const started = performance.now();
  for (let i = 0; i < count; i++) await keys.sign(keyId, tbs);
  return (count / (performance.now() - started)) * 1000;
}

const FLOOR_COMMITS = 5;
const SIGNED_AFTER = 4;

/** The floor (see above), as certificates per second. */
async function floorRate(dir: string, synchronous: Synchronous, signer: BareSigner, count: number): Promise<number> {
  const raw = openRaw(join(dir, `floor-${synchronous}.sqlite`), synchronous);
  const insert = rawInserter(raw);
  const events = newEvents(count * FLOOR_COMMITS, 0);
  const tbs = randomBytes(1200);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < FLOOR_COMMITS; c++) {
      if (c === SIGNED_AFTER) await signer.keys.sign(signer.keyId, tbs);
      insert.immediate(`floor-${i}-${c}`, [events[i * FLOOR_COMMITS + c] as NewEvent]);
    }
  }
  const rate = (count / (performance.now() - started)) * 1000;
  raw.close();
  return rate;
}

const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

const ms = (n: number): string => `${n.toFixed(1)} ms`;

export async function runIssuanceBench(options: { certificates: number; counters?: number; perCounter?: number }): Promise<void> {
  const dir = tempDir('jpki-bench-issuance-');
  try {
    const csrs = await Promise.all(Array.from({ length: options.certificates * 2 }, () => residentCsr('RSA-2048')));
    const signer = await bareSigner(dir.path);
    const bare = await bareSigningRate(dir.path, 500, signer);
    const ratio = (rate: number) => `${Math.round((rate / bare) * 100)}%`;
    console.log(`issuance benchmark — ${options.certificates} signing certificates per run, RSA-2048 CA and resident keys`);
    console.log('| measure | durability | certificates/s | bare RSA-2048 signatures/s | ratio | target |');
    console.log('|---|---|---:|---:|---:|---:|');
    for (const [i, synchronous] of (['FULL', 'NORMAL'] as const).entries()) {
      const rate = await issuanceRate(dir.path, synchronous, csrs.slice(i * options.certificates, (i + 1) * options.certificates));
      const floor = await floorRate(dir.path, synchronous, signer, options.certificates);
      console.log(`| end-to-end issuance | ${synchronous} | ${fmt(rate)} | ${fmt(bare)} | ${ratio(rate)} | — |`);
      console.log(`| floor: the signature + ${FLOOR_COMMITS} raw commits | ${synchronous} | ${fmt(floor)} | ${fmt(bare)} | ${ratio(floor)} | — |`);
      console.log(`| end-to-end / floor | ${synchronous} | | | ${Math.round((rate / floor) * 100)}% | ≥ 50% |`);
    }
    const counters = options.counters ?? 50;
    const perCounter = options.perCounter ?? 8;
    const baseline = await bareSigningUnderLoad(counters, perCounter);
    console.log('');
    console.log(`issuance over HTTP with ${counters} counters at once (npm start as shipped; each counter submits, checks, sends the CSR and issues, ${WARM_UP} times to warm up, then ${perCounter} times timed)`);
    console.log('| measure | durability | p50 | p99 | max | issuances/s | baseline p99 (bare route signing, same clients) | target |');
    console.log('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const synchronous of ['FULL', 'NORMAL'] as const) {
      const load = await issuanceUnderLoad(synchronous, counters, perCounter);
      console.log(`| latency of one issuance | ${synchronous} | ${ms(load.p50)} | ${ms(load.p99)} | ${ms(load.max)} | ${fmt(load.perSecond)} | ${ms(baseline.p99)} | ${synchronous === 'FULL' ? '< 100 ms' : '—'} |`);
    }
  } finally {
    dir.remove();
  }
}
