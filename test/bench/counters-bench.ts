/**
 * Issuance while many counters work at once, over HTTP, against the ledger as shipped: `npm start`
 * (a child process, default configuration and log level) on a fresh data directory at the given
 * durability. Each of `counters` clients runs the whole lifecycle again and again — submit, identity
 * check, CSR, issue — with its own municipal clerk, and one prefectural operator issues for all; the
 * latency of every issuance request (from sending it to the whole reply read) is kept. The baseline,
 * in the same run and with the same clients: a bare fastify route that makes one RSA-2048 signature
 * with node:crypto on the same kind of key and answers, so the figure says what the ledger adds to
 * the work of signing under that load.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import Fastify from 'fastify';
import { signToken } from '../../infrastructure/auth/token-signer.js';
import { residentCsr } from '../support/resident-csr.js';
import { startServerProcess } from '../support/processes.js';
import { tempDir } from '../support/temp-dir.js';

const SECRET = 'bench-secret-of-at-least-thirty-two-characters';
const ISSUER = 'jpki-ledger';

export interface Latencies {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
  readonly perSecond: number;
}

function summarise(samples: number[], seconds: number): Latencies {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0, count: sorted.length, perSecond: sorted.length / seconds };
}

async function post(url: string, token: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${url}: ${res.status} ${JSON.stringify(json)}`);
  return { status: res.status, json };
}

/** Issuance latency with `counters` counters at once, each issuing `perCounter` certificates. */
export async function issuanceUnderLoad(synchronous: 'FULL' | 'NORMAL', counters: number, perCounter: number): Promise<Latencies> {
  const dir = tempDir('jpki-bench-counters-');
  const csrs = await Promise.all(Array.from({ length: counters * (perCounter + WARM_UP) }, () => residentCsr('RSA-2048')));
  const server = await startServerProcess({ LEDGER_DATA_DIR: dir.path, LEDGER_SQLITE_SYNCHRONOUS: synchronous, LEDGER_JWT_SECRET: SECRET, LEDGER_JWT_ISSUER: ISSUER });
  try {
    return await countersAgainst(server.url, csrs, counters, perCounter);
  } finally {
    await server.stop();
    dir.remove();
  }
}

/**
 * Each counter's first lifecycles are not timed: they warm the server up (compiled code, and the
 * first certificate of each municipality, whose CRL partition is then published for the first time).
 */
export const WARM_UP = 2;

/** The counters' work against a running ledger (configured with the bench's secret and issuer). */
export async function countersAgainst(url: string, csrs: readonly string[], counters: number, perCounter: number): Promise<Latencies> {
  const token = (claims: Record<string, unknown>) => signToken(claims, { secret: SECRET, issuer: ISSUER, expiresInSeconds: 3600 });
  const operator = token({ sub: 'operator-1', role: 'prefectural-operator', organisation: 'prefecture' });
  const latencies: number[] = [];
  let started = 0;
  let warm = 0;
  let warming: () => void = () => undefined;
  const warmedUp = new Promise<void>((resolve) => (warming = resolve));
  await Promise.all(
    Array.from({ length: counters }, async (_, c) => {
      const municipality = String(131016 + c).padStart(6, '0');
      const clerk = token({ sub: `clerk-${c}`, role: 'municipal-clerk', organisation: `city-${municipality}`, municipality });
      for (let i = 0; i < perCounter + WARM_UP; i++) {
        if (i === WARM_UP) {
          // Every counter starts timing together, once all have warmed up.
          if (++warm === counters) {
            started = performance.now();
            warming();
          }
          await warmedUp;
        }
        const n = c * (perCounter + WARM_UP) + i;
        const applicant = { residentRecordCode: String(50000000000 + n), name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区千代田１－１' };
        const { json } = await post(`${url}/v1/applications`, clerk, { certificateType: 'signing', municipalityCode: municipality, applicant });
        const id = json.applicationId as string;
        await post(`${url}/v1/applications/${id}/identity-verification`, clerk, { result: 'verified', method: 'photo-id', documentType: 'my-number-card' });
        await post(`${url}/v1/applications/${id}/public-key`, clerk, { csr: csrs[n] });
        const sent = performance.now();
        await post(`${url}/v1/applications/${id}/issuance`, operator);
        if (i >= WARM_UP) latencies.push(performance.now() - sent);
      }
    }),
  );
  return summarise(latencies, (performance.now() - started) / 1000);
}

export const BENCH_AUTH = { LEDGER_JWT_SECRET: SECRET, LEDGER_JWT_ISSUER: ISSUER } as const;

/** The baseline: a bare route signing 1,200 bytes with RSA-2048 per request, the same clients at once. */
export async function bareSigningUnderLoad(counters: number, perCounter: number): Promise<Latencies> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const app = Fastify();
  app.post('/sign', async () => ({ signature: sign('sha256', randomBytes(1200), privateKey).toString('base64') }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const latencies: number[] = [];
    await Promise.all(Array.from({ length: counters * WARM_UP }, () => post(`${url}/sign`, 'none')));
    const started = performance.now();
    await Promise.all(
      Array.from({ length: counters }, async () => {
        for (let i = 0; i < perCounter; i++) {
          const sent = performance.now();
          await post(`${url}/sign`, 'none');
          latencies.push(performance.now() - sent);
        }
      }),
    );
    return summarise(latencies, (performance.now() - started) / 1000);
  } finally {
    await app.close();
  }
}
