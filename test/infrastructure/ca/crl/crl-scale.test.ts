/** A full CRL of 100,000 entries encodes, signs, verifies with openssl and reads back entry for entry. */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareCrl, signCrl } from '../../../../infrastructure/ca/crl/certificate-list.js';
import { crlWorkspace, opensslCrlVerify, randomEntries, request } from './crl-support.js';

const COUNT = 100_000;

describe(`a full CRL of ${COUNT.toLocaleString('en-US')} entries`, () => {
  const workspace = crlWorkspace();
  afterAll(() => workspace.remove());

  it('encodes and signs, and openssl verifies it and counts every entry', async () => {
    const ca = await workspace.ca('RSA-2048');
    const entries = randomEntries(COUNT);

    const started = performance.now();
    const prepared = prepareCrl(request(ca, { crlNumber: 2n ** 63n + 5n, entries }));
    const prepareMs = performance.now() - started;
    const crl = await signCrl(prepared, workspace.store);
    const totalMs = performance.now() - started;
    console.log(`CRL of ${COUNT} entries: prepare ${prepareMs.toFixed(0)} ms, prepare + sign ${totalMs.toFixed(0)} ms, ${crl.der.length.toLocaleString('en-US')} bytes`);

    expect(crl.entryCount).toBe(COUNT);
    const file = workspace.write('large.crl', crl.der);
    const verified = opensslCrlVerify(file, ca.rootFile);
    expect(verified.ok, verified.output).toBe(true);
    // openssl's text runs to megabytes: count in the pipe rather than through spawnSync's buffer.
    const counted = spawnSync('sh', ['-c', `openssl crl -inform DER -in '${file}' -noout -text | grep -c 'Serial Number'`], { encoding: 'utf8' });
    expect(counted.stdout.trim()).toBe(String(COUNT));
  });
});
