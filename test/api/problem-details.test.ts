import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bearer, testApp, tokenFor, type TestApp } from '../support/test-app.js';

const PROBLEM = /^application\/problem\+json/;

describe('errors are problem+json everywhere', () => {
  let t: TestApp;
  const operator = bearer(tokenFor({ role: 'prefectural-operator' }));
  const log: string[] = [];

  beforeAll(async () => {
    t = await testApp({
      log: { write: (line) => log.push(line) },
      extend: (app) => {
        app.post(
          '/test/applications',
          {
            config: { access: { roles: ['prefectural-operator'] } },
            schema: {
              body: z.object({ applicant: z.object({ name: z.string().min(1), dateOfBirth: z.iso.date() }), certificateType: z.enum(['signing', 'user-authentication']) }),
              querystring: z.object({ minPosition: z.coerce.bigint().optional() }),
            },
          },
          async () => ({ ok: true }),
        );
        app.get('/test/unparsable', { config: { access: 'public' } }, async () => JSON.parse('山田 太郎 東京都千代田区永田町１'));
        app.get('/test/explode', { config: { access: 'public' } }, async () => {
          throw new Error('secret internals: resident 12345678901 at /srv/ledger/db.ts:42');
        });
      },
    });
  });
  afterAll(() => t.close());

  it('answers 404 for an unknown route', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/nowhere?residentRecordCode=12345678901' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.json()).toMatchObject({ type: 'urn:jpki-ledger:problem:not-found', status: 404, instance: '/v1/nowhere' });
    expect(res.body).not.toContain('12345678901');
  });

  it('answers 400 for a body that is not JSON, without echoing it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/applications',
      headers: { ...operator, 'content-type': 'application/json' },
      payload: '{"applicant": {"name": "山田 太郎", ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.json()).toMatchObject({ type: 'urn:jpki-ledger:problem:malformed-request', detail: 'The request body is not valid JSON.' });
    expect(res.body).not.toContain('山田');
  });

  it('answers 400 naming an invalid query parameter', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/applications?minPosition=soon',
      headers: operator,
      payload: { applicant: { name: 'a', dateOfBirth: '1990-12-31' }, certificateType: 'signing' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    const body = res.json();
    expect(body.type).toBe('urn:jpki-ledger:problem:invalid-request');
    const fields = body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(['query.minPosition']);
  });

  it('names nested body fields', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/applications',
      headers: operator,
      payload: { applicant: { name: '', dateOfBirth: '1990-13-45' }, certificateType: 'root' },
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.applicant.name', 'body.applicant.dateOfBirth', 'body.certificateType']));
    expect(res.json().detail).toContain('body.applicant.dateOfBirth');
  });

  it('answers 415 for a content type the route does not take', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/test/applications', headers: { ...operator, 'content-type': 'text/csv' }, payload: 'a,b' });
    expect(res.statusCode).toBe(415);
    expect(res.headers['content-type']).toMatch(PROBLEM);
  });

  it('answers 500 with a correlation id and no internals for an unexpected error', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/explode', headers: { 'x-correlation-id': 'corr-123' } });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.json()).toMatchObject({ type: 'urn:jpki-ledger:problem:internal-error', status: 500, correlationId: 'corr-123' });
    expect(res.headers['x-correlation-id']).toBe('corr-123');
    expect(res.body).not.toMatch(/secret internals|12345678901|db\.ts|stack/);
  });

  it('logs an unexpected error under its correlation id, without the text a JSON syntax error quotes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/unparsable', headers: { 'x-correlation-id': 'log-check-1' } });
    expect(res.statusCode).toBe(500);
    const lines = log.filter((line) => line.includes('log-check-1')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const logged = lines.find((line) => line.msg === 'unexpected error');
    expect(logged?.err).toMatchObject({ type: 'SyntaxError', message: expect.stringContaining('withheld') });
    expect(JSON.stringify(lines)).not.toMatch(/山田|永田町/);
    // Lines about the request carry method, path and status, never query strings or headers.
    expect(lines.some((line) => (line.req as { path?: string } | undefined)?.path === '/test/unparsable')).toBe(true);
  });

  it('generates a correlation id when the caller gives none', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
