/**
 * Text the store cannot hold (a lone UTF-16 surrogate, which RFC 8785 canonical JSON refuses) and
 * control characters never reach it: every string of a request's body, query and path parameters,
 * object keys included, is checked before validation. A refusal is a 400 naming the field, the
 * character's position and its code point, never the text, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED, OPERATOR, clerkOf, postOk } from '../support/http-lifecycle.js';
import { testApp, type TestApp } from '../support/test-app.js';

const CLERK = clerkOf('131016');
const PROBLEM = /^application\/problem\+json/;
const JSON_TYPE = { 'content-type': 'application/json' };

let residentCode = 70000000000;
function applicant(overrides: Record<string, unknown> = {}) {
  residentCode += 1;
  return { residentRecordCode: String(residentCode), name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区', ...overrides };
}

/** A JSON text with `\ud800` written as JSON writes it: JSON.stringify would escape it the same way. */
const json = (value: unknown) => JSON.stringify(value);

describe('bad text at the edge', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  const position = async () => (await t.app.inject({ method: 'GET', url: '/health' })).json().position as string;
  const application = async () =>
    (await postOk(t, '/v1/applications', CLERK, { certificateType: 'user-authentication', municipalityCode: '131016', applicant: applicant() })).applicationId as string;

  /** Sends the request and expects a 400 naming `field` with `message`, and no event written. */
  async function refused(request: { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; payload?: string }, field: string, message: string | RegExp) {
    const before = await position();
    const res = await t.app.inject({ ...request, headers: { ...JSON_TYPE, ...request.headers } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    const body = res.json();
    expect(body).toMatchObject({ type: 'urn:jpki-ledger:problem:invalid-request', status: 400 });
    expect(body.errors).toContainEqual({ field, message: typeof message === 'string' ? message : expect.stringMatching(message) });
    expect(await position()).toBe(before);
    return body as { detail: string; errors: { field: string; message: string }[] };
  }

  it('refuses a lone surrogate in an identity-verification note', async () => {
    const id = await application();
    await refused(
      { method: 'POST', url: `/v1/applications/${id}/identity-verification`, headers: CLERK, payload: json({ result: 'verified', method: 'photo-id', documentType: 'passport', note: 'ok \ud800 then' }) },
      'body.note',
      'contains U+D800 (a lone surrogate) at position 4',
    );
  });

  it('refuses a lone surrogate in a withdrawal reason', async () => {
    const id = await application();
    await refused({ method: 'POST', url: `/v1/applications/${id}/withdrawal`, headers: CLERK, payload: json({ reason: 'moved\udc00' }) }, 'body.reason', 'contains U+DC00 (a lone surrogate) at position 6');
  });

  it('refuses a lone surrogate in nameKana', async () => {
    await refused(
      { method: 'POST', url: '/v1/applications', headers: CLERK, payload: json({ certificateType: 'user-authentication', municipalityCode: '131016', applicant: applicant({ nameKana: 'ヤ\ud800マダ' }) }) },
      'body.applicant.nameKana',
      'contains U+D800 (a lone surrogate) at position 2',
    );
  });

  it('refuses a lone surrogate in a name given with alternative characters', async () => {
    const payload = json({
      certificateType: 'signing',
      municipalityCode: '131016',
      // The alternative characters stand in for both characters outside JIS X 0208, so the name passes that rule.
      applicant: applicant({ name: '髙\ud800田', alternativeCharacters: { name: '高〓田' } }),
    });
    const body = await refused({ method: 'POST', url: '/v1/applications', headers: CLERK, payload }, 'body.applicant.name', 'contains U+D800 (a lone surrogate) at position 2');
    expect(body.errors).toHaveLength(1);
    expect(body.detail).toContain('body.applicant.name');
  });

  it('refuses a lone surrogate in a registry notice’s before.name', async () => {
    const before = { name: '山田\ud800', dateOfBirth: '1980-06-15', sex: 'male', address: '東京都千代田区' };
    const payload = json({ noticeId: 'N-text-1', residentRecordCode: '12345678901', municipalityCode: '131016', kind: 'address', before, after: { ...before, name: '山田' }, minor: false, effectiveDate: '2026-11-20' });
    await refused({ method: 'POST', url: '/v1/registry-changes', headers: FEED, payload }, 'body.before.name', 'contains U+D800 (a lone surrogate) at position 3');
  });

  it('refuses NUL, other controls and DEL, and line breaks in single-line fields', async () => {
    const submit = (over: Record<string, unknown>) => ({
      method: 'POST' as const,
      url: '/v1/applications',
      headers: CLERK,
      payload: json({ certificateType: 'user-authentication', municipalityCode: '131016', applicant: applicant(over) }),
    });
    await refused(submit({ name: '山田\u0000太郎' }), 'body.applicant.name', 'contains U+0000 (a control character) at position 3');
    await refused(submit({ address: '東京都\n千代田区' }), 'body.applicant.address', 'contains U+000A (a line break, allowed only in multi-line fields) at position 4');
    await refused(submit({ address: '東京都\t千代田区' }), 'body.applicant.address', 'contains U+0009 (a tab, allowed only in multi-line fields) at position 4');
    await refused(submit({ nameKana: 'ヤマダ\u007f' }), 'body.applicant.nameKana', 'contains U+007F (a control character) at position 4');
    await refused(submit({ name: '\u001b[31m山田' }), 'body.applicant.name', 'contains U+001B (a control character) at position 1');
  });

  it('names the first bad character and counts the others, and never echoes the text', async () => {
    const id = await application();
    const body = await refused(
      { method: 'POST', url: `/v1/applications/${id}/withdrawal`, headers: CLERK, payload: json({ reason: `秘密\u0000の\u0001理由\u0002` }) },
      'body.reason',
      'contains U+0000 (a control character) at position 3, and 2 more characters that are not allowed',
    );
    expect(JSON.stringify(body)).not.toMatch(/秘密|理由/);
  });

  it('accepts line breaks and tabs in multi-line fields: a note, a reason', async () => {
    const id = await application();
    await postOk(t, `/v1/applications/${id}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'passport', note: 'line one\r\n\tline two' });
    await postOk(t, `/v1/applications/${id}/withdrawal`, CLERK, { reason: 'first\nsecond' });
  });

  it('refuses bad characters in object keys, naming the object and not the key', async () => {
    const id = await application();
    const body = await refused(
      { method: 'POST', url: `/v1/applications/${id}/withdrawal`, headers: CLERK, payload: '{"reason":"moved","\\ud800x":1}' },
      'body',
      'has a key (its 2nd) that contains U+D800 (a lone surrogate) at position 1',
    );
    expect(body.errors).toHaveLength(1);
  });

  it('checks query strings and path parameters too', async () => {
    const id = await application();
    await refused({ method: 'GET', url: `/v1/applications/${id}?purpose=identity%00check`, headers: OPERATOR }, 'query.purpose', 'contains U+0000 (a control character) at position 9');
    await refused({ method: 'POST', url: '/v1/applications/abc%01def/withdrawal', headers: CLERK, payload: '{}' }, 'params.id', 'contains U+0001 (a control character) at position 4');
  });

  it('walks deep nesting and long strings without failing', async () => {
    const deep = `${'['.repeat(5000)}"\\ud800"${']'.repeat(5000)}`;
    const id = await application();
    const res = await t.app.inject({ method: 'POST', url: `/v1/applications/${id}/withdrawal`, headers: { ...CLERK, ...JSON_TYPE }, payload: `{"reason":${deep}}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toMatch(/^body\.reason(\.0){5000}$/);
    const long = await t.app.inject({
      method: 'POST',
      url: `/v1/applications/${id}/withdrawal`,
      headers: { ...CLERK, ...JSON_TYPE },
      payload: json({ reason: `${'あ'.repeat(65_536)}\u0000` }),
    });
    expect(long.statusCode).toBe(400);
    expect(long.json().errors).toEqual([{ field: 'body.reason', message: 'contains U+0000 (a control character) at position 65537' }]);
  });
});
