/**
 * Past CRLs reproduced from the log: over a scripted history (revocations with invalidity dates, a
 * hold, a revocation scheduled for later that takes effect between two CRLs, several
 * municipalities), every CRL published — full, delta and partitions — reproduces byte-identical
 * (RSA); `ledger crl reproduce` says so or shows the difference; `GET /v1/crl/{type}?asOf=` gives an
 * auditor the CRL that was being served at an instant, which openssl verifies.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crlPublished } from '../../domain/publication/events.js';
import { reproduceCrl } from '../../projections/crl/crl-reproduction.js';
import { fixedClock } from '../support/clocks.js';
import { collect } from '../support/event-store-contract.js';
import { openssl, workDir } from '../support/openssl.js';
import { ledger } from '../support/processes.js';
import { AUDITOR, issueSigning, OPERATOR, postOk } from '../support/http-lifecycle.js';
import { keyStoreOf, testApp, type TestApp } from '../support/test-app.js';

const PUBLIC_URL = 'http://ledger.test';

describe('past CRLs reproduced from the log', () => {
  // Behind the real clock: openssl judges CRL validity by the real time.
  const clock = fixedClock(new Date(Math.floor(Date.now() / 1000) * 1000 - 6 * 3600_000).toISOString());
  const dir = workDir();
  let t: TestApp;
  let code = 93000000000;
  /** Instants at which the full CRL a relying party got was recorded, with its SHA-256. */
  const served: { at: string; sha256: string; number: string }[] = [];

  const post = (url: string, headers: Record<string, string>, payload?: object) => postOk(t, url, headers, payload);
  async function issue(municipality: string): Promise<string> {
    code += 1;
    return (await issueSigning(t, municipality, String(code))).serialNumber;
  }
  async function publish(): Promise<void> {
    clock.advance(2000);
    await t.ledger.readModels.runner.waitFor(await t.store.headPosition(), 5000);
    await t.ledger.crls.publish();
    const full = t.ledger.crls.document('signing', 'full');
    if (full !== undefined && served.at(-1)?.number !== full.crlNumber.toString()) {
      served.push({ at: clock.now().toISOString(), sha256: full.sha256, number: full.crlNumber.toString() });
    }
  }

  beforeAll(async () => {
    t = await testApp({ clock, env: { LEDGER_PUBLIC_URL: PUBLIC_URL, LEDGER_CRL_MIN_INTERVAL_SECONDS: '1' } });
    const [a, b, c, d] = [await issue('131016'), await issue('131016'), await issue('271004'), await issue('271004')];
    await publish();
    await post(`/v1/certificates/${a}/revocation`, OPERATOR, { reason: 'keyCompromise', legalGround: 'key-compromise', invalidityDate: new Date(clock.now().getTime() - 86_400_000).toISOString() });
    await publish();
    await post(`/v1/certificates/${c}/hold`, OPERATOR, { reportedBy: 'call-centre' });
    await post(`/v1/certificates/${d}/revocation`, OPERATOR, { reason: 'affiliationChanged', legalGround: 'registry-change', effectiveAt: new Date(clock.now().getTime() + 60_000).toISOString() });
    await publish();
    clock.advance(90_000);
    await publish();
    await post(`/v1/certificates/${b}/revocation`, OPERATOR, { reason: 'superseded', legalGround: 'holder-request' });
    await publish();
  }, 60_000);
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  const publishedCrls = async () =>
    (await collect(t.store.readAll())).filter((e) => e.type === 'CrlPublished').map((e) => ({ data: crlPublished.parse({ type: e.type, data: e.data }).data, position: e.position }));

  it('reproduces every CRL published — full, delta and partitions — byte for byte', async () => {
    const all = await publishedCrls();
    expect(new Set(all.map((p) => p.data.partition))).toEqual(new Set(['full', 'delta', '131016', '271004']));
    expect(all.filter((p) => p.data.certificateType === 'signing' && p.data.partition === 'full').length).toBeGreaterThanOrEqual(5);
    for (const published of all) {
      expect(published.data.basedOnPosition).toMatch(/^\d+$/);
      const reproduction = await reproduceCrl({ store: t.store, timeline: t.ledger.readModels.certificateTimeline, signer: keyStoreOf(t), publicUrl: PUBLIC_URL }, published);
      expect(reproduction.differences, `${published.data.partition} ${published.data.crlNumber}`).toEqual([]);
      expect(reproduction.verdict).toBe('identical');
      expect(createHash('sha256').update(reproduction.der).digest('hex')).toBe(published.data.sha256);
    }
    // The CRL relying parties are served now is the reproduction of the latest.
    const latest = t.ledger.crls.document('signing', 'full');
    if (latest === undefined) throw new Error('no CRL');
    const reproduced = await reproduceCrl(
      { store: t.store, timeline: t.ledger.readModels.certificateTimeline, signer: keyStoreOf(t), publicUrl: PUBLIC_URL },
      all.filter((p) => p.data.certificateType === 'signing' && p.data.partition === 'full').at(-1) as (typeof all)[number],
    );
    expect(Buffer.from(reproduced.der).equals(readFileSync(latest.path))).toBe(true);
  });

  it('ledger crl reproduce says identical, and shows the difference when the ledger no longer matches', async () => {
    const env = { LEDGER_DATA_DIR: t.dataDir, LEDGER_PUBLIC_URL: PUBLIC_URL };
    const delta = (await publishedCrls()).find((p) => p.data.partition === 'delta' && p.data.certificateType === 'signing');
    if (delta === undefined) throw new Error('no delta');
    const out = `${dir.path}/reproduced-delta.crl`;
    const ok = await ledger(['crl', 'reproduce', '--number', delta.data.crlNumber, '--partition', 'delta', '--out', out], env);
    expect(ok.stdout, ok.stderr).toMatch(new RegExp(`^signing delta CRL number ${delta.data.crlNumber}, thisUpdate .*, ${delta.data.entryCount} entries, content as of position ${delta.data.basedOnPosition}\\nidentical \\(SHA-256 ${delta.data.sha256}\\)\\n$`));
    expect(ok.code).toBe(0);
    expect(openssl(['crl', '-inform', 'DER', '-in', out, '-noout', '-text']).stdout).toContain('Delta CRL Indicator');

    const elsewhere = await ledger(['crl', 'reproduce', '--number', '2'], { ...env, LEDGER_PUBLIC_URL: 'http://moved.example' });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stdout).toMatch(/\ndiffers:\n {2}to-be-signed bytes: SHA-256 [0-9a-f]{64} reproduced, [0-9a-f]{64} published\n {2}CRL: SHA-256/);

    const none = await ledger(['crl', 'reproduce', '--number', '999'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no signing full CRL number 999 was published');
    expect((await ledger(['crl', 'reproduce'], env)).code).toBe(2);
  });

  it('gives an auditor the CRL that was being served at an instant, which openssl verifies', async () => {
    const root = dir.write('root.pem', (await t.app.inject({ method: 'GET', url: '/v1/ca/signing/certificate' })).body);
    expect(served.length).toBeGreaterThanOrEqual(4);
    for (const { at, sha256, number } of served) {
      const res = await t.app.inject({ method: 'GET', url: `/v1/crl/signing?asOf=${at}`, headers: AUDITOR });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/pkix-crl');
      expect(res.headers['x-crl-number']).toBe(number);
      expect(res.headers['x-crl-reproduction']).toBe('identical');
      expect(createHash('sha256').update(res.rawPayload).digest('hex')).toBe(sha256);
      const file = dir.write(`asof-${number}.crl`, res.rawPayload);
      const verified = openssl(['crl', '-inform', 'DER', '-in', file, '-CAfile', root, '-noout']);
      expect(`${verified.stdout}${verified.stderr}`).toContain('verify OK');
    }
  });

  it('keeps past CRLs to auditors, and refuses instants before the first CRL or in the future', async () => {
    const at = served[0]?.at ?? '';
    expect((await t.app.inject({ method: 'GET', url: `/v1/crl/signing?asOf=${at}` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: `/v1/crl/signing?asOf=${at}`, headers: OPERATOR })).statusCode).toBe(403);
    const before = await t.app.inject({ method: 'GET', url: '/v1/crl/signing?asOf=2001-01-01T00:00:00Z', headers: AUDITOR });
    expect(before.statusCode).toBe(404);
    expect(before.json().type).toBe('urn:jpki-ledger:problem:no-crl-then');
    const future = await t.app.inject({ method: 'GET', url: '/v1/crl/signing?asOf=2999-01-01T00:00:00Z', headers: AUDITOR });
    expect(future.statusCode).toBe(422);
    expect(future.json().errors[0].field).toBe('query.asOf');
    const bad = await t.app.inject({ method: 'GET', url: '/v1/crl/signing?asOf=noon', headers: AUDITOR });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('query.asOf');
  });
});

/** The key store the test app's CA keys live in. */