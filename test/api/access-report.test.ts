/**
 * The privacy council's access report over real accesses made through the API: totals by every
 * dimension, the four flagged patterns, small cells suppressed, no personal information anywhere —
 * as JSON, CSV, and a page that headless Chromium renders with its chart; and a resident's
 * disclosure request, itself recorded.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAccess } from '../../domain/access/record-access.js';
import { fixedClock } from '../support/clocks.js';
import { launchChromium } from '../support/chromium.js';
import { bearer, testApp, tokenFor, type TestApp } from '../support/test-app.js';

const CHIYODA = '131016';
const clerk = (sub: string) => bearer(tokenFor({ role: 'municipal-clerk', municipality: CHIYODA, organisation: CHIYODA, sub }));
const OPERATOR = bearer(tokenFor({ role: 'prefectural-operator', organisation: 'tokyo-prefecture', sub: 'operator-1' }));
const COUNCIL = bearer(tokenFor({ role: 'privacy-council', organisation: 'tokyo-privacy-council', sub: 'member-1' }));
const AUDITOR = bearer(tokenFor({ role: 'auditor', organisation: 'audit-office', sub: 'auditor-1' }));
const NAME = '鈴木 一郎';
const ADDRESS = '東京都千代田区丸の内１－１';

describe('access report and disclosures', () => {
  // Monday 2026-03-02, 10:00 JST.
  const clock = fixedClock('2026-03-02T01:00:00.000Z');
  let t: TestApp;
  let code = 95000000000;
  const applications: string[] = [];
  let famousCode = '';
  let famous = '';

  const post = async (url: string, headers: Record<string, string>, payload?: object) => {
    const res = await t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as Record<string, string>;
  };
  const read = async (id: string, headers: Record<string, string>) => expect((await t.app.inject({ method: 'GET', url: `/v1/applications/${id}`, headers })).statusCode).toBe(200);
  async function apply(): Promise<{ id: string; code: string }> {
    code += 1;
    const applicant = { residentRecordCode: String(code), name: NAME, nameKana: 'スズキ イチロウ', dateOfBirth: '1985-01-20', sex: 'male', address: ADDRESS };
    const id = (await post('/v1/applications', clerk('clerk-0'), { certificateType: 'user-authentication', municipalityCode: CHIYODA, applicant })).applicationId as string;
    return { id, code: String(code) };
  }

  beforeAll(async () => {
    t = await testApp({ clock });
    for (let i = 0; i < 6; i += 1) applications.push((await apply()).id);
    const f = await apply();
    famous = f.id;
    famousCode = f.code;
    // Business hours, Monday: clerks 1–4 each read their own applicant three times; clerk 5 reads two applicants 24 times each.
    for (let c = 1; c <= 4; c += 1) for (let n = 0; n < 3; n += 1) await read(applications[c - 1] ?? '', clerk(`clerk-${c}`));
    for (let n = 0; n < 24; n += 1) for (const id of applications.slice(4, 6)) await read(id, clerk('clerk-5'));
    // Six different clerks each read the same resident once.
    for (let c = 1; c <= 6; c += 1) await read(famous, clerk(`clerk-${c}`));
    // Monday 23:30 JST: clerk 3 reads their applicant six more times, after hours.
    clock.set('2026-03-02T14:30:00.000Z');
    for (let n = 0; n < 6; n += 1) await read(applications[2] ?? '', clerk('clerk-3'));
    // Tuesday: the operator reads twice (a small cell).
    clock.set('2026-03-03T02:00:00.000Z');
    for (const id of applications.slice(0, 2)) await read(id, OPERATOR);
    // A read through some other channel, about a resident with no case in that municipality.
    for (let n = 0; n < 5; n += 1) {
      await recordAccess(t.ledger, { actor: { id: 'clerk-4', role: 'municipal-clerk', organisation: '271004' }, municipality: '271004', correlationId: `c-${n}`, causationId: `c-${n}`, idempotencyKey: `walk-in-${n}` }, {
        function: 'application.read', purpose: 'application-processing', purposeStated: true, legalBasis: 'JPKI Act', items: ['name'],
        holderRef: t.ledger.holderRefs.of(famousCode), municipalityCode: '271004', subject: { kind: 'application', id: 'outside' }, recipient: '271004', accessedAt: clock.now().toISOString(),
      });
    }
    await t.ledger.readModels.runner.waitFor(await t.store.headPosition(), 5000);
  }, 60_000);
  afterAll(() => t.close());

  const report = (accept?: string, query = 'from=2026-03-01&to=2026-03-31', headers = COUNCIL) =>
    t.app.inject({ method: 'GET', url: `/v1/audit/access-report?${query}`, headers: { ...headers, ...(accept === undefined ? {} : { accept }) } });
  const pseudonym = (id: string) => t.ledger.actorPseudonym(id);

  it('totals every dimension, flags the four patterns, and suppresses small cells', async () => {
    const res = await report();
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    // 12 + 48 + 6 + 6 + 2 + 5 reads.
    expect(r.total).toBe(79);
    expect(r.period).toEqual({ from: '2026-02-28T15:00:00.000Z', to: '2026-03-31T15:00:00.000Z' });
    expect(r.totals.byRole).toEqual([{ key: 'municipal-clerk', count: 77 }, { key: 'prefectural-operator', count: null }]);
    expect(r.totals.byDay).toEqual([{ key: '2026-03-02', count: 72 }, { key: '2026-03-03', count: 7 }]);
    expect(r.totals.byPurpose).toEqual([{ key: 'application-processing', count: 77 }, { key: 'certificate-administration', count: null }]);
    expect(r.unstatedPurpose).toBe(74);
    expect(r.totals.byFunction.map((f: { key: string }) => f.key)).toEqual(['application.read']);

    expect(r.flags.afterHours).toEqual([{ actor: pseudonym('clerk-3'), role: 'municipal-clerk', organisation: CHIYODA, accesses: 6 }]);
    expect(r.flags.aboveTheirPeers).toEqual([{ actor: pseudonym('clerk-5'), role: 'municipal-clerk', organisation: CHIYODA, accesses: 49, peerMedian: 4 }]);
    expect(r.flags.holdersReadByManyActors).toEqual([{ holder: 'holder #1', municipality: '131016', actors: 6, accesses: 11 }]);
    expect(r.flags.readsWithoutCase).toEqual([{ actor: pseudonym('clerk-4'), role: 'municipal-clerk', organisation: '271004', accesses: 5 }]);
    expect(res.body).not.toMatch(/鈴木|丸の内|950000000|clerk-\d|operator-1/);
    for (const id of [t.ledger.holderRefs.of(famousCode)]) expect(res.body).not.toContain(id);
  });

  it('serves the same report as CSV', async () => {
    const res = await report('text/csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('section,key,count,note');
    expect(lines).toContain('by role,municipal-clerk,77,');
    expect(lines).toContain('by role,prefectural-operator,,suppressed (fewer than 5)');
    expect(lines).toContain(`flag: outside business hours,${pseudonym('clerk-3')},6,"municipal-clerk, ${CHIYODA}"`);
    expect(res.body).not.toMatch(/鈴木|丸の内|clerk-\d/);
  });

  it('serves a printable page that Chromium renders, chart included', async () => {
    const res = await report('text/html');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).not.toMatch(/鈴木|丸の内|clerk-\d/);
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
      await page.setContent(res.body);
      expect(await page.title()).toBe('Access to personal information, 2026-02-28 to 2026-03-31');
      expect(await page.locator('#summary').innerText()).toContain('All accesses: 79');
      expect(await page.locator('table', { hasText: 'outside business hours' }).innerText()).toContain(pseudonym('clerk-3'));
      // The chart: two bars, the taller one for Monday; checked on a screenshot's pixels.
      const bars = await page.locator('#accesses-per-day rect.bar').evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().height));
      expect(bars).toHaveLength(2);
      expect(bars[0]).toBeGreaterThan(bars[1] ?? Infinity);
      const shot = await page.locator('#accesses-per-day').screenshot();
      // Decoded in the browser itself (no DOM types here): pixels of the bar colour, #2b6cb0.
      const blue = await page.evaluate<number>(`(async () => {
        const image = new Image();
        image.src = 'data:image/png;base64,${shot.toString('base64')}';
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const context = canvas.getContext('2d');
        context.drawImage(image, 0, 0);
        const data = context.getImageData(0, 0, image.width, image.height).data;
        let count = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (Math.abs(data[i] - 0x2b) < 12 && Math.abs(data[i + 1] - 0x6c) < 12 && Math.abs(data[i + 2] - 0xb0) < 12) count += 1;
        }
        return count;
      })()`);
      expect(blue, 'bar-coloured pixels in the chart screenshot').toBeGreaterThan(2000);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await browser?.close();
    }
  }, 60_000);

  it('refuses other roles and a bad period, naming the field', async () => {
    expect((await report(undefined, undefined, clerk('clerk-1'))).statusCode).toBe(403);
    expect((await report(undefined, undefined, AUDITOR)).statusCode).toBe(200);
    const backwards = await report(undefined, 'from=2026-03-31&to=2026-03-01');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors[0].field).toBe('query.to');
    const bad = await report(undefined, 'from=March&to=2026-03-01');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('query.from');
  });

  it('lists every access to one resident for a disclosure request, and records the request', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/v1/audit/disclosures?residentRecordCode=${famousCode}`, headers: AUDITOR });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.disclosures).toHaveLength(11);
    expect(body.disclosures[0]).toEqual({
      accessedAt: '2026-03-02T01:00:00.000Z', organisation: CHIYODA, role: 'municipal-clerk', purpose: 'application-processing',
      legalBasis: expect.any(String), function: 'application.read', items: expect.arrayContaining(['name', 'address']),
    });
    expect(res.body).not.toMatch(/鈴木|丸の内/);
    await t.ledger.readModels.runner.waitFor(BigInt(body.requestRecordedAt), 5000);
    const again = (await t.app.inject({ method: 'GET', url: `/v1/audit/disclosures?residentRecordCode=${famousCode}`, headers: AUDITOR })).json();
    expect(again.disclosures).toHaveLength(12);
    expect(again.disclosures.at(-1)).toMatchObject({ organisation: 'audit-office', purpose: 'disclosure-request', function: 'audit.disclosures', items: ['residentRecordCode'] });
    const bad = await t.app.inject({ method: 'GET', url: '/v1/audit/disclosures?residentRecordCode=12', headers: AUDITOR });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('query.residentRecordCode');
    expect((await t.app.inject({ method: 'GET', url: `/v1/audit/disclosures?residentRecordCode=${famousCode}`, headers: COUNCIL })).statusCode).toBe(403);
  });
});
