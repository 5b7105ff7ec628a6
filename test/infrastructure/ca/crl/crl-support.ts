/** Test CAs, entries and openssl calls shared by the CRL tests and the CRL benchmark. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IssuingCa, KeyAlgorithm } from '../../../../domain/ports/certificate-authority.js';
import type { CrlEntry, CrlReason, CrlRequest } from '../../../../infrastructure/ca/crl/certificate-list.js';
import { TAG, childrenOf, readSingle, type Tlv } from '../../../../infrastructure/ca/der.js';
import { FileKeyStore } from '../../../../infrastructure/ca/file-key-store.js';
import { openssl, toPem, workDir } from '../../../support/openssl.js';
import { createTestCa, randomSerial } from '../fixtures.js';

export const ALGORITHMS = ['RSA-2048', 'ECDSA-P256'] as const satisfies readonly KeyAlgorithm[];

/** Around VERIFY_AT (2026-01-01), so that `openssl verify -attime VERIFY_AT` finds the CRL current. */
export const CRL_TIMES = { thisUpdate: '2025-12-31T00:00:00Z', nextUpdate: '2026-01-07T00:00:00Z' } as const;

/** The fixtures' leaves name this partition first in their CRL distribution points. */
export const PARTITION_URL = 'http://crl.jpki.example/signing/131016.crl';

/** A temp dir with a key store, for one describe block: `remove()` in afterAll. */
export function crlWorkspace(): ReturnType<typeof workDir> & { readonly store: FileKeyStore; ca(algorithm: KeyAlgorithm): Promise<IssuingCa & { readonly rootFile: string }> } {
  const dir = workDir();
  const store = new FileKeyStore(`${dir.path}/keys`);
  return {
    ...dir,
    store,
    async ca(algorithm) {
      const ca = await createTestCa(store, 'signing', algorithm);
      return { ...ca, rootFile: dir.write(`root-${ca.keyId}.pem`, toPem(ca.certificate)) };
    },
  };
}

export function request(ca: IssuingCa, overrides: Partial<CrlRequest> = {}): CrlRequest {
  return { ca, crlNumber: 1n, ...CRL_TIMES, entries: [], ...overrides };
}

export function entry(overrides: Partial<CrlEntry> = {}): CrlEntry {
  return { serialNumber: randomSerial(), revocationDate: '2025-06-01T09:30:00+09:00', ...overrides };
}

/** PEM, as `openssl verify -CRLfile` wants it. */
export function crlPem(der: Uint8Array): string {
  return toPem(Buffer.from(der).toString('base64'), 'X509 CRL');
}

/** openssl 3.0 reports the CRL signature check on stderr, as `verify OK` or `verify failure`. */
export function opensslCrlVerify(crlFile: string, rootFile: string): { readonly ok: boolean; readonly output: string } {
  const result = openssl(['crl', '-inform', 'DER', '-in', crlFile, '-CAfile', rootFile, '-noout']);
  const output = result.stdout + result.stderr;
  return { ok: result.status === 0 && output.includes('verify OK') && !output.includes('verify failure'), output };
}

/** The fields of the TBSCertList inside a CertificateList DER: version, signature, issuer, thisUpdate, nextUpdate, … */
export function tbsFields(der: Uint8Array): Tlv[] {
  const [tbs] = childrenOf(readSingle(der, TAG.sequence));
  return childrenOf(tbs!);
}

/** The revokedCertificate SEQUENCEs of a CertificateList DER (none when the field is absent). */
export function revokedEntries(der: Uint8Array): Tlv[] {
  const revoked = tbsFields(der).find((field, index) => index >= 5 && field.tag === TAG.sequence);
  return revoked === undefined ? [] : childrenOf(revoked);
}

/** Reasons cycled through by `randomEntries`: keyCompromise entries carry an invalidity date, as openssl's index can say too. */
const BULK_REASONS: readonly (CrlReason | undefined)[] = [undefined, 'keyCompromise', 'superseded', 'cessationOfOperation', 'affiliationChanged'];

/**
 * `count` entries with random 127-bit serials (as the ledger issues them), revoked a minute and a
 * half apart from April 2025, either in random order or already in ascending serial order. Their
 * strings are made in array order from one buffer, so that they lie in memory as a reader of rows
 * would leave them, and no per-entry Buffer is left for the garbage collector.
 */
export function randomEntries(count: number, order: 'random' | 'serial' = 'random'): CrlEntry[] {
  const serials = randomBytes(count * 16);
  for (let i = 0; i < count; i++) serials[i * 16] = (serials[i * 16]! % 0x7f) + 1;
  const serialAt = (i: number): string => serials.toString('hex', i * 16, (i + 1) * 16).toUpperCase();
  if (order === 'serial') {
    // Equally long uppercase hex sorts as text in numeric order; written back so the entries' strings are made in order.
    const sorted = Array.from({ length: count }, (_, i) => serialAt(i)).sort();
    sorted.forEach((hex, i) => serials.write(hex, i * 16, 'hex'));
  }
  const start = Date.parse('2025-04-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const reason = BULK_REASONS[i % BULK_REASONS.length];
    const revocationDate = new Date(start + i * 97_000).toISOString().replace('.000Z', 'Z');
    return {
      serialNumber: serialAt(i),
      revocationDate,
      ...(reason === undefined ? {} : { reason }),
      ...(reason === 'keyCompromise' ? { invalidityDate: new Date(start + i * 97_000 - 86_400_000).toISOString().replace('.000Z', 'Z') } : {}),
    };
  });
}

/**
 * `openssl ca -gencrl` over an index.txt holding `entries` (an openssl-run CA's way to a CRL), signed
 * with `keyFile` (PKCS#8 PEM, as the FileKeyStore keeps it). The wall-clock time includes starting
 * openssl and parsing the index.
 */
export function opensslCaGencrl(caDir: string, entries: readonly CrlEntry[], ca: { certificate: string; keyFile: string }): { der: Uint8Array; seconds: number } {
  mkdirSync(caDir, { recursive: true });
  const file = (name: string): string => join(caDir, name);
  // status, expiry, revocation[,reason], serial, file name, subject. `keyTime,<time>` is openssl's keyCompromise with an
  // invalidity date, which is how randomEntries uses invalidity dates.
  const lines = entries.map((entry) => {
    const reason = entry.invalidityDate === undefined ? (entry.reason === undefined ? [] : [entry.reason]) : ['keyTime', generalizedTime(entry.invalidityDate)];
    return `R\t300615145959Z\t${[generalizedTime(entry.revocationDate).slice(2), ...reason].join(',')}\t${entry.serialNumber}\tunknown\t/CN=x\n`;
  });
  writeFileSync(file('index.txt'), lines.join(''));
  writeFileSync(file('index.txt.attr'), 'unique_subject = no\n');
  writeFileSync(file('crlnumber'), '01\n');
  writeFileSync(file('root.pem'), toPem(ca.certificate));
  const config = ['[ca]', 'default_ca = bench', '[bench]', `database = ${file('index.txt')}`, `crlnumber = ${file('crlnumber')}`, `certificate = ${file('root.pem')}`, `private_key = ${ca.keyFile}`];
  config.push('default_md = sha256', 'default_crl_days = 7', 'crl_extensions = crl_extensions', '[crl_extensions]', 'authorityKeyIdentifier = keyid:always', '');
  writeFileSync(file('openssl.cnf'), config.join('\n'));
  const started = performance.now();
  const run = spawnSync('openssl', ['ca', '-gencrl', '-config', file('openssl.cnf'), '-out', file('crl.pem')], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`openssl ca -gencrl failed (${run.status}): ${run.stderr}`);
  return { der: Buffer.from(readFileSync(file('crl.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64'), seconds };
}

/** `2025-06-01T00:00:00Z` → `20250601000000Z` (UTC ISO with whole seconds only). */
function generalizedTime(iso: string): string {
  if (!iso.endsWith('Z')) throw new Error(`openssl's index wants UTC times: ${iso}`);
  return iso.replace(/[-:T]/g, '');
}
