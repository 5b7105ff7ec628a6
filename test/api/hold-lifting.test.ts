/**
 * Lifting a lost-card hold, a policy option (LEDGER_HOLD_LIFTING, off by default as in JPKI, where a
 * hold ends in revocation). Off: refused, nothing recorded. On: the certificate is good again through
 * the status API and OCSP, the next full and partition CRLs no longer list it, the delta against the
 * CRL that listed the hold says removeFromCRL (openssl reads it), every CRL still reproduces byte
 * for byte, and an auditor asking as of the hold still sees it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certIdFor } from '../../infrastructure/ca/ocsp/cert-id.js';
import { crlPublished } from '../../domain/publication/events.js';
import { reproduceCrl } from '../../projections/crl/crl-reproduction.js';
import { fixedClock } from '../support/clocks.js';
import { collect } from '../support/event-store-contract.js';
import { AUDITOR, clerkOf, issueSigning, OPERATOR, postOk } from '../support/http-lifecycle.js';
import { openssl, workDir } from '../support/openssl.js';
import { keyStoreOf, testApp, type TestApp } from '../support/test-app.js';

const CHIYODA = '131016';
const OSAKA = '271004';
const PUBLIC_URL = 'http://ledger.test';

describe('lifting a hold where the policy is off (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('is refused with the rule named, and records nothing', async () => {
    const { serialNumber } = await issueSigning(t, CHIYODA, '94000000001');
    await postOk(t, `/v1/certificates/${serialNumber}/hold`, clerkOf(CHIYODA), { reportedBy: 'holder' });
    const before = await t.store.headPosition();
    const res = await t.app.inject({ method: 'POST', url: `/v1/certificates/${serialNumber}/hold/lift`, headers: clerkOf(CHIYODA), payload: { cause: 'card-found' } });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ rule: 'hold-lifting-disabled' });
    expect(await t.store.headPosition()).toBe(before);
    const status = await t.app.inject({ method: 'GET', url: `/v1/certificates/${serialNumber}/status?minPosition=${before}`, headers: OPERATOR });
    expect(status.json().status).toBe('on-hold');
  });
});

describe('lifting a hold where the policy is on', () => {
  // Behind the real clock: openssl judges CRL validity by the real time.
  const clock = fixedClock(new Date(Math.floor(Date.now() / 1000) * 1000 - 3600_000).toISOString());
  const dir = workDir();
  let t: TestApp;
  let root: string;

  beforeAll(async () => {
    t = await testApp({ clock, env: { LEDGER_HOLD_LIFTING: 'on', LEDGER_PUBLIC_URL: PUBLIC_URL, LEDGER_CRL_MIN_INTERVAL_SECONDS: '1' } });
    root = dir.write('root.pem', (await t.app.inject({ method: 'GET', url: '/v1/ca/signing/certificate' })).body);
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  async function publish(): Promise<void> {
    clock.advance(2000);
    await t.ledger.readModels.runner.waitFor(await t.store.headPosition(), 5000);
    await t.ledger.crls.publish();
  }
  async function crl(url: string): Promise<{ path: string; text: string }> {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode, res.body).toBe(200);
    const path = dir.write(`${url.replaceAll('/', '_')}-${clock.now().getTime()}.crl`, res.rawPayload);
    const verified = openssl(['crl', '-inform', 'DER', '-in', path, '-CAfile', root, '-noout']);
    expect(verified.stdout + verified.stderr).toContain('verify OK');
    return { path, text: openssl(['crl', '-inform', 'DER', '-in', path, '-noout', '-text']).stdout };
  }
  /** Each listed serial with the reason openssl reads. */
  const entries = (text: string) => [...text.matchAll(/Serial Number: ([0-9A-F]+)\n(?:.*\n)*?\s+X509v3 CRL Reason Code:\s*\n\s+(.+)/g)].map((m) => `${m[1]} ${m[2]}`);
  const ocspStatus = async (serialNumber: string) => {
    const ca = await t.ledger.issuingCas.current('signing');
    const answer = await t.ledger.ocsp.answer('signing', { ok: true, requests: [certIdFor(ca, serialNumber, 'sha1')] });
    const path = dir.write(`ocsp-${serialNumber}-${clock.now().getTime()}.der`, answer.der);
    return /Cert Status: (\w+)/.exec(openssl(['ocsp', '-respin', path, '-resp_text', '-noverify']).stdout)?.[1];
  };

  it('makes the certificate good again everywhere, and the delta CRL says removeFromCRL', async () => {
    const lost = await issueSigning(t, CHIYODA, '94000000002');
    const other = await issueSigning(t, CHIYODA, '94000000003');
    await postOk(t, `/v1/certificates/${lost.serialNumber}/hold`, clerkOf(CHIYODA), { reportedBy: 'call-centre' });
    await postOk(t, `/v1/certificates/${other.serialNumber}/hold`, OPERATOR, { reportedBy: 'holder' });
    await publish();
    const heldAt = clock.now().toISOString();
    expect(entries((await crl('/v1/crl/signing')).text)).toEqual(
      [lost, other].map((c) => `${c.serialNumber} Certificate Hold`).sort(),
    );
    expect(await ocspStatus(lost.serialNumber)).toBe('revoked');

    clock.advance(1000);
    // Only the municipality (or the prefecture) lifts it.
    const foreign = await t.app.inject({ method: 'POST', url: `/v1/certificates/${lost.serialNumber}/hold/lift`, headers: clerkOf(OSAKA), payload: { cause: 'card-found' } });
    expect(foreign.statusCode).toBe(403);
    const badBody = await t.app.inject({ method: 'POST', url: `/v1/certificates/${lost.serialNumber}/hold/lift`, headers: clerkOf(CHIYODA), payload: { cause: 'found' } });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.body).toContain('cause');
    const lifted = await postOk(t, `/v1/certificates/${lost.serialNumber}/hold/lift`, clerkOf(CHIYODA), { cause: 'card-found' });
    const again = await t.app.inject({ method: 'POST', url: `/v1/certificates/${lost.serialNumber}/hold/lift`, headers: clerkOf(CHIYODA), payload: { cause: 'card-found' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ rule: 'not-on-hold' });

    const status = await t.app.inject({ method: 'GET', url: `/v1/certificates/${lost.serialNumber}/status?minPosition=${lifted.position}`, headers: OPERATOR });
    expect(status.json()).toMatchObject({ status: 'good' });
    expect(status.json()).not.toHaveProperty('reason');
    expect(await ocspStatus(lost.serialNumber)).toBe('good');
    expect(await ocspStatus(other.serialNumber)).toBe('revoked');

    await publish();
    expect(entries((await crl('/v1/crl/signing')).text)).toEqual([`${other.serialNumber} Certificate Hold`]);
    expect(entries((await crl(`/v1/crl/signing/${CHIYODA}`)).text)).toEqual([`${other.serialNumber} Certificate Hold`]);
    const delta = await crl('/v1/crl/signing/delta');
    expect(delta.text).toContain('Delta CRL Indicator');
    expect(entries(delta.text)).toEqual([`${lost.serialNumber} Remove From CRL`]);
    // A relying party holding the new full CRL accepts the certificate again.
    const leaf = dir.write('lost.pem', lost.certificatePem);
    const fullPem = dir.write('full.pem', openssl(['crl', '-inform', 'DER', '-in', (await crl('/v1/crl/signing')).path]).stdout);
    expect(openssl(['verify', '-crl_check', '-CAfile', root, '-CRLfile', fullPem, leaf]).stdout).toContain(': OK');

    // The auditor still sees the hold as of the time it was in effect.
    const asOf = await t.app.inject({ method: 'GET', url: `/v1/certificates/${lost.serialNumber}/status?asOf=${heldAt}`, headers: AUDITOR });
    expect(asOf.json()).toMatchObject({ status: 'on-hold', reason: 'certificateHold' });
  });

  it('leaves every CRL published reproducible byte for byte, the removeFromCRL delta included', async () => {
    const published = (await collect(t.store.readAll()))
      .filter((e) => e.type === 'CrlPublished')
      .map((e) => ({ data: crlPublished.parse({ type: e.type, data: e.data }).data, position: e.position }));
    expect(published.some((p) => p.data.partition === 'delta')).toBe(true);
    for (const crlEvent of published) {
      const reproduction = await reproduceCrl({ store: t.store, timeline: t.ledger.readModels.certificateTimeline, signer: keyStoreOf(t), publicUrl: PUBLIC_URL }, crlEvent);
      expect(reproduction.verdict, `${crlEvent.data.partition} ${crlEvent.data.crlNumber}`).toBe('identical');
    }
  });
});
