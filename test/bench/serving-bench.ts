/**
 * `npm run bench -- publication` (serving part): OCSP and status queries per second on loopback,
 * with autocannon in a separate process (50 connections) on the same cores, beside two baselines
 * run in the same benchmark: a bare fastify route returning a constant body, and the bare RSA-2048
 * signing rate. Targets: pre-signed OCSP ≥ 50% of the bare route; OCSP with a nonce ≥ 60% of bare
 * signing; status queries ≥ 40% of the bare route.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Fastify from 'fastify';
import { startServer } from '../../api/server.js';
import { loadConfig } from '../../infrastructure/config/config.js';
import { signToken } from '../../infrastructure/auth/token-signer.js';
import { openssl, workDir } from '../support/openssl.js';
import { residentCsr } from '../support/resident-csr.js';
import { tempDir } from '../support/temp-dir.js';
import { bareSigningRate } from './issuance-bench.js';

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon');
const SECRET = 'bench-secret-of-at-least-thirty-two-characters';
const ROUNDS = 3;

interface Load {
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

/**
 * autocannon in a child process (the load generator must not share the server's event loop). Run
 * through its API rather than its CLI, so that a binary body (an OCSP request) is sent as bytes.
 */
function autocannon(url: string, seconds: number, options: { method?: string; headers?: Record<string, string>; bodyFile?: string } = {}): Promise<Load> {
  const settings = { url, connections: 50, duration: seconds, method: options.method ?? 'GET', headers: options.headers ?? {} };
  const script = `
    const autocannon = require(${JSON.stringify(AUTOCANNON)});
    const settings = ${JSON.stringify(settings)};
    ${options.bodyFile === undefined ? '' : `settings.body = require('node:fs').readFileSync(${JSON.stringify(options.bodyFile)});`}
    autocannon(settings, (error, result) => { if (error) throw error; process.stdout.write(JSON.stringify(result)); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', () => {
      try {
        const result = JSON.parse(out) as { requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
        resolve({ requests: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx });
      } catch (error) {
        reject(new Error(`autocannon printed no result: ${out}`, { cause: error }));
      }
    });
  });
}

async function bareRoute(seconds: number): Promise<Load> {
  const app = Fastify();
  app.get('/', async () => 'ok');
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    return await autocannon(url, seconds);
  } finally {
    await app.close();
  }
}

export async function runServingBench(options: { seconds: number }): Promise<void> {
  const data = tempDir('jpki-bench-serving-');
  const dir = workDir();
  const server = await startServer(loadConfig({ LEDGER_DATA_DIR: data.path, PORT: '0', LEDGER_JWT_SECRET: SECRET, LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' }));
  try {
    const token = (role: string, municipality?: string) =>
      `Bearer ${signToken({ sub: `bench-${role}`, role, organisation: 'bench', ...(municipality === undefined ? {} : { municipality }) }, { secret: SECRET, issuer: 'jpki-ledger', expiresInSeconds: 3600 })}`;
    const inject = async (url: string, authorization: string, payload?: object) =>
      (await server.app.inject({ method: 'POST', url, headers: { authorization }, ...(payload === undefined ? {} : { payload }) })).json() as Record<string, string>;
    const clerk = token('municipal-clerk', '131016');
    const applicant = { residentRecordCode: '12345678901', name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区' };
    const id = (await inject('/v1/applications', clerk, { certificateType: 'signing', municipalityCode: '131016', applicant })).applicationId as string;
    await inject(`/v1/applications/${id}/identity-verification`, clerk, { result: 'verified', method: 'photo-id', documentType: 'passport' });
    await inject(`/v1/applications/${id}/public-key`, clerk, { csr: await residentCsr() });
    const issued = await inject(`/v1/applications/${id}/issuance`, token('prefectural-operator'));
    const leaf = dir.write('leaf.pem', issued.certificatePem as string);
    const root = dir.write('root.pem', (await server.app.inject({ method: 'GET', url: '/v1/ca/signing/certificate' })).body);
    await server.app.inject({ method: 'GET', url: `/v1/certificates/${issued.serialNumber}/status?minPosition=${issued.position}`, headers: { authorization: token('prefectural-operator') } });
    await server.app.inject({ method: 'GET', url: '/health' });

    const plain = join(dir.path, 'plain.der');
    const withNonce = join(dir.path, 'nonce.der');
    openssl(['ocsp', '-issuer', root, '-cert', leaf, '-no_nonce', '-reqout', plain]);
    openssl(['ocsp', '-issuer', root, '-cert', leaf, '-reqout', withNonce]);
    const getUrl = `${server.url}/v1/ocsp/signing/${encodeURIComponent(readFileSync(plain).toString('base64'))}`;
    await fetch(getUrl); // signs it once; every later request is served from the pre-signed table

    // Rounds interleave every measure with its baselines, and each figure is the median over the
    // rounds: on a shared VM one run can be off by a third.
    const rounds: { bare: Load; presigned: Load; nonce: Load; status: Load; signing: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rounds.push({
        bare: await bareRoute(options.seconds),
        presigned: await autocannon(getUrl, options.seconds),
        nonce: await autocannon(`${server.url}/v1/ocsp/signing`, options.seconds, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, bodyFile: withNonce }),
        status: await autocannon(`${server.url}/v1/certificates/${issued.serialNumber}/status`, options.seconds, { headers: { authorization: token('prefectural-operator') } }),
        signing: await bareSigningRate(data.path, 500),
      });
    }
    const middle = <T>(pick: (r: (typeof rounds)[number]) => T, by: (x: T) => number): T => rounds.map(pick).sort((a, b) => by(a) - by(b))[Math.floor(rounds.length / 2)] as T;
    const byRate = (l: Load) => l.requests;
    const bare = middle((r) => r.bare, byRate);
    const presigned = middle((r) => r.presigned, byRate);
    const nonce = middle((r) => r.nonce, byRate);
    const status = middle((r) => r.status, byRate);
    const signing = middle((r) => r.signing, (x) => x);

    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const pct = (a: number, b: number) => `${Math.round((a / b) * 100)}%`;
    console.log(`serving benchmark — autocannon, 50 connections, ${options.seconds} s each, in a separate process on the same cores; median of ${ROUNDS} interleaved rounds`);
    console.log('| measure | requests/s | p50 ms | p99 ms | errors | baseline | ratio | target |');
    console.log('|---|---:|---:|---:|---:|---|---:|---:|');
    console.log(`| bare fastify route, constant body | ${fmt(bare.requests)} | ${bare.p50} | ${bare.p99} | ${bare.errors} | — | — | — |`);
    console.log(`| OCSP GET, pre-signed (no nonce) | ${fmt(presigned.requests)} | ${presigned.p50} | ${presigned.p99} | ${presigned.errors} | bare route | ${pct(presigned.requests, bare.requests)} | ≥ 50% |`);
    console.log(`| OCSP POST with a nonce | ${fmt(nonce.requests)} | ${nonce.p50} | ${nonce.p99} | ${nonce.errors} | bare RSA-2048 signing ${fmt(signing)}/s | ${pct(nonce.requests, signing)} | ≥ 60% |`);
    console.log(`| GET /v1/certificates/{serial}/status | ${fmt(status.requests)} | ${status.p50} | ${status.p99} | ${status.errors} | bare route | ${pct(status.requests, bare.requests)} | ≥ 40% |`);
  } finally {
    await server.close();
    data.remove();
    dir.remove();
  }
}
