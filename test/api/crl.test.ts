/**
 * CRLs as relying parties fetch them: full, per-municipality partition (IDP) and delta, verified
 * and used by openssl; and the three answers — status API, CRL, OCSP — agreeing for every serial,
 * before and after a future-dated revocation takes effect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certIdFor } from '../../infrastructure/ca/ocsp/cert-id.js';
import { collect } from '../support/event-store-contract.js';
import { fixedClock } from '../support/clocks.js';
import { openssl, workDir } from '../support/openssl.js';
import { clerkOf, issueSigning, OPERATOR, postOk } from '../support/http-lifecycle.js';
import { testApp, type TestApp } from '../support/test-app.js';

const CHIYODA = '131016';
const OSAKA = '271004';

describe('CRLs', () => {
  // A minute behind the real clock: openssl judges CRL validity by the real time, and the tests
  // advance this clock by seconds before publishing.
  const clock = fixedClock(new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString());
  const dir = workDir();
  let t: TestApp;
  let root: string;
  let code = 90000000000;

  beforeAll(async () => {
    t = await testApp({ clock, env: { LEDGER_PUBLIC_URL: 'http://ledger.test', LEDGER_CRL_MIN_INTERVAL_SECONDS: '1' } });
    root = dir.write('root.pem', (await t.app.inject({ method: 'GET', url: '/v1/ca/signing/certificate' })).body);
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  const post = (url: string, headers: Record<string, string>, payload?: object) => postOk(t, url, headers, payload);

  async function issue(municipality: string, holder?: string): Promise<{ serialNumber: string; path: string }> {
    code += 1;
    const issued = await issueSigning(t, municipality, holder ?? String(code));
    return { serialNumber: issued.serialNumber, path: dir.write(`${issued.serialNumber}.pem`, issued.certificatePem) };
  }

  /** Lets the read model fold everything, then runs one publication pass. */
  async function publish(): Promise<void> {
    await t.ledger.readModels.runner.waitFor(await t.store.headPosition(), 5000);
    await t.ledger.crls.publish();
  }

  async function fetchCrl(url: string): Promise<{ path: string; text: string; headers: Record<string, unknown>; der: Buffer }> {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pkix-crl');
    const path = dir.write(`${url.replaceAll('/', '_')}-${Date.now()}.crl`, res.rawPayload);
    return { path, text: openssl(['crl', '-inform', 'DER', '-in', path, '-noout', '-text']).stdout, headers: res.headers, der: res.rawPayload };
  }

  const verifies = (crl: string) => {
    const run = openssl(['crl', '-inform', 'DER', '-in', crl, '-CAfile', root, '-noout']);
    return `${run.stdout}${run.stderr}`;
  };
  const pem = (crl: string) => dir.write(`${crl.split('/').at(-1)}.pem`, openssl(['crl', '-inform', 'DER', '-in', crl]).stdout);
  const serialsIn = (text: string) => [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1]);

  it('publishes full and partition CRLs that openssl verifies, and uses them to tell revoked from good', async () => {
    const good = await issue(CHIYODA);
    const revoked = await issue(CHIYODA);
    const elsewhere = await issue(OSAKA);
    await post(`/v1/certificates/${revoked.serialNumber}/revocation`, OPERATOR, { reason: 'keyCompromise', legalGround: 'key-compromise', invalidityDate: new Date(clock.now().getTime() - 86_400_000).toISOString() });
    await post(`/v1/certificates/${elsewhere.serialNumber}/hold`, OPERATOR, { reportedBy: 'call-centre' });
    clock.advance(2000);
    await publish();

    const full = await fetchCrl('/v1/crl/signing');
    expect(verifies(full.path)).toContain('verify OK');
    expect(serialsIn(full.text).sort()).toEqual([revoked.serialNumber, elsewhere.serialNumber].sort());
    expect(full.text).toContain('Key Compromise');
    expect(full.text).toContain('Certificate Hold');
    expect(full.text).toContain('Invalidity Date');
    expect(full.text).toMatch(/X509v3 CRL Number: \n\s+\d+/);
    expect(full.text).toContain('X509v3 Authority Key Identifier');
    expect(full.text).toContain('URI:http://ledger.test/v1/crl/signing/delta');

    const partition = await fetchCrl(`/v1/crl/signing/${CHIYODA}`);
    expect(verifies(partition.path)).toContain('verify OK');
    expect(serialsIn(partition.text)).toEqual([revoked.serialNumber]);
    expect(partition.text).toMatch(/X509v3 Issuing Distribution Point: critical\n\s+Full Name:\n\s+URI:http:\/\/ledger\.test\/v1\/crl\/signing\/131016/);

    for (const crl of [full, partition]) {
      const check = (leaf: string) => openssl(['verify', '-crl_check', '-CAfile', root, '-CRLfile', pem(crl.path), leaf]);
      const goodCheck = check(good.path);
      expect(goodCheck.stdout, goodCheck.stderr).toContain(': OK');
      expect(check(revoked.path).stdout + check(revoked.path).stderr).toContain('certificate revoked');
    }
  });

  it('numbers CRLs upwards, records each as an event, and issues a delta against the previous full CRL', async () => {
    const before = await fetchCrl('/v1/crl/signing');
    const numberOf = (text: string) => BigInt(/X509v3 CRL Number: \n\s+(\d+)/.exec(text)?.[1] ?? '-1');
    const another = await issue(CHIYODA);
    await post(`/v1/certificates/${another.serialNumber}/revocation`, OPERATOR, { reason: 'cessationOfOperation', legalGround: 'holder-request' });
    clock.advance(2000);
    await publish();

    const after = await fetchCrl('/v1/crl/signing');
    expect(numberOf(after.text)).toBeGreaterThan(numberOf(before.text));
    const delta = await fetchCrl('/v1/crl/signing/delta');
    expect(verifies(delta.path)).toContain('verify OK');
    expect(delta.text).toMatch(new RegExp(`X509v3 Delta CRL Indicator: critical\\n\\s+${numberOf(before.text)}`));
    expect(serialsIn(delta.text)).toEqual([another.serialNumber]);
    expect(numberOf(delta.text)).toBe(numberOf(after.text) + 1n);

    const ca = await t.ledger.issuingCas.current('signing');
    const published = (await collect(t.store.readStream(`crl-${ca.keyId}-full`))).map((e) => e.data as { partition: string; crlNumber: string; sha256: string });
    const last = published.filter((p) => p.partition === 'full').at(-1);
    expect(last?.crlNumber).toBe(numberOf(after.text).toString());
    expect(last?.sha256).toBe(openssl(['dgst', '-sha256', '-r', after.path]).stdout.split(' ')[0]);
  });

  it('answers If-None-Match with 304 and caches until nextUpdate', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/v1/crl/signing' });
    expect(first.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    const again = await t.app.inject({ method: 'GET', url: '/v1/crl/signing', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect((await t.app.inject({ method: 'GET', url: '/v1/crl/signing/999999' })).statusCode).toBe(404);
  });

  it('gives the same verdict through the status API, the CRL and OCSP for every serial, before and after a scheduled revocation', async () => {
    const holder = String((code += 1));
    const plain = await issue(CHIYODA);
    const held = await issue(CHIYODA);
    const revoked = await issue(OSAKA);
    const superseded = await issue(CHIYODA, holder);
    await issue(CHIYODA, holder); // supersedes the previous one
    const scheduled = await issue(OSAKA);
    await post(`/v1/certificates/${held.serialNumber}/hold`, clerkOf(CHIYODA), { reportedBy: 'holder' });
    await post(`/v1/certificates/${revoked.serialNumber}/revocation`, clerkOf(OSAKA), { reason: 'affiliationChanged', legalGround: 'registry-change' });
    const effectiveAt = new Date(clock.now().getTime() + 3_600_000).toISOString();
    await post(`/v1/certificates/${scheduled.serialNumber}/revocation`, OPERATOR, { reason: 'affiliationChanged', legalGround: 'registry-change', effectiveAt });
    const serials = [plain, held, revoked, superseded, scheduled].map((c) => c.serialNumber);
    const ca = await t.ledger.issuingCas.current('signing');

    const verdicts = async () => {
      clock.advance(2000);
      await publish();
      const listed = new Set(serialsIn((await fetchCrl('/v1/crl/signing')).text));
      const rows = [];
      for (const serialNumber of serials) {
        const api = (await t.app.inject({ method: 'GET', url: `/v1/certificates/${serialNumber}/status`, headers: OPERATOR })).json().status;
        const answer = await t.ledger.ocsp.answer('signing', { ok: true, requests: [certIdFor(ca, serialNumber, 'sha1')] });
        const responsePath = dir.write(`ocsp-${serialNumber}-${Date.now()}.der`, answer.der);
        const text = openssl(['ocsp', '-respin', responsePath, '-resp_text', '-noverify']).stdout;
        const ocsp = /Cert Status: (\w+)/.exec(text)?.[1];
        rows.push([serialNumber, api, listed.has(serialNumber) ? 'listed' : 'not listed', ocsp]);
      }
      return rows;
    };
    const expected = (statuses: string[]) =>
      serials.map((s, i) => {
        const status = statuses[i] as string;
        const onCrl = status === 'revoked' || status === 'on-hold';
        return [s, status, onCrl ? 'listed' : 'not listed', onCrl ? 'revoked' : 'good'];
      });

    expect(await verdicts()).toEqual(expected(['good', 'on-hold', 'revoked', 'revoked', 'good']));
    clock.advance(3_600_000);
    expect(await verdicts()).toEqual(expected(['good', 'on-hold', 'revoked', 'revoked', 'revoked']));
  });
});
