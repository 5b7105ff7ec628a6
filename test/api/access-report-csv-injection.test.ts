/**
 * The council's CSV report opens in a spreadsheet: a cell that begins with `=`, `+`, `-`, `@`, TAB or
 * CR would be read as a formula. Organisations come from tokens, so a caller can choose one; the
 * report must carry it as text (OWASP's CSV-injection rule: a leading single quote, the cell quoted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../support/clocks.js';
import { bearer, testApp, tokenFor, type TestApp } from '../support/test-app.js';

const CHIYODA = '131016';
/** Organisations as a hostile token would carry them, each read from enough times to be shown (LEDGER_REPORT_MIN_CELL 5). */
const HOSTILE = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1:A2)', '\tleading tab', '\r=1+1'];
const READS = 5;

/** RFC 4180 records, quotes undone. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return records;
}

describe('the access report as CSV, with organisations chosen by callers', () => {
  const clock = fixedClock('2026-03-02T01:00:00.000Z'); // Monday, 10:00 JST
  let t: TestApp;
  let csv = '';

  beforeAll(async () => {
    t = await testApp({ clock });
    const clerk = (organisation: string, sub: string) => bearer(tokenFor({ role: 'municipal-clerk', municipality: CHIYODA, organisation, sub }));
    const applicant = { residentRecordCode: '95000000001', name: '鈴木 一郎', nameKana: 'スズキ イチロウ', dateOfBirth: '1985-01-20', sex: 'male', address: '東京都千代田区丸の内１－１' };
    const submitted = await t.app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: clerk(CHIYODA, 'clerk-0'),
      payload: { certificateType: 'user-authentication', municipalityCode: CHIYODA, applicant },
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const id = (submitted.json() as { applicationId: string }).applicationId;
    for (const [i, organisation] of HOSTILE.entries()) {
      for (let n = 0; n < READS; n++) {
        const res = await t.app.inject({ method: 'GET', url: `/v1/applications/${id}`, headers: clerk(organisation, `clerk-${i}`) });
        expect(res.statusCode, res.body).toBe(200);
      }
    }
    await t.ledger.readModels.runner.waitFor(await t.store.headPosition(), 5000);
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/audit/access-report?from=2026-03-01&to=2026-03-31',
      headers: { ...bearer(tokenFor({ role: 'privacy-council', organisation: 'tokyo-privacy-council' })), accept: 'text/csv' },
    });
    expect(res.statusCode, res.body).toBe(200);
    csv = res.body;
  }, 60_000);
  afterAll(() => t.close());

  it('carries each hostile organisation as quoted text behind a single quote, with its count', () => {
    const byOrganisation = new Map(parseCsv(csv).filter((r) => r[0] === 'by organisation').map((r) => [r[1], r[2]]));
    for (const organisation of HOSTILE) expect(byOrganisation.get(`'${organisation}`), organisation).toBe(String(READS));
    expect(csv).toContain(`by organisation,"'=HYPERLINK(""http://x"",""y"")",${READS},\r\n`);
  });

  it('leaves no cell that a spreadsheet would take for a formula', () => {
    const cells = parseCsv(csv).flat();
    expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
  });

  it('keeps the counts as plain numbers', () => {
    const records = parseCsv(csv);
    expect(records[0]).toEqual(['section', 'key', 'count', 'note']);
    for (const record of records.slice(1)) expect(record[2]).toMatch(/^(\d+)?$/);
    expect(records).toContainEqual(['by role', 'municipal-clerk', String(READS * HOSTILE.length), '']);
  });
});
