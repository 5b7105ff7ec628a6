import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principal } from '../../api/auth/authentication.js';
import { bearer, testApp, tokenFor, type TestApp } from '../support/test-app.js';

describe('authentication and roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({
      extend: (app) => {
        app.get('/test/registry-or-operator', { config: { access: { roles: ['registry-feed', 'prefectural-operator'] } } }, async (request) => ({
          principal: principal(request),
        }));
        app.get('/test/clerks', { config: { access: { roles: ['municipal-clerk'] } } }, async (request) => ({ principal: principal(request) }));
      },
    });
  });
  afterAll(() => t.close());

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

  it('admits a token with an admitted role and exposes who called', async () => {
    const res = await get('/test/registry-or-operator', bearer(tokenFor({ role: 'prefectural-operator', sub: 'op-7', organisation: 'tokyo-pref' })));
    expect(res.statusCode).toBe(200);
    expect(res.json().principal).toEqual({ id: 'op-7', role: 'prefectural-operator', organisation: 'tokyo-pref' });
  });

  it('carries the municipality of municipal staff', async () => {
    const res = await get('/test/clerks', bearer(tokenFor({ role: 'municipal-clerk', municipality: '131016' })));
    expect(res.statusCode).toBe(200);
    expect(res.json().principal.municipality).toBe('131016');
  });

  it.each([
    ['no Authorization header', {}],
    ['a malformed header', { authorization: 'Bearer not-a-jwt' }],
    ['a token signed with another secret', bearer(tokenFor({ role: 'prefectural-operator' }, { secret: 'another-secret-that-is-also-long-enough' }))],
    ['a token from another issuer', bearer(tokenFor({ role: 'prefectural-operator' }, { issuer: 'someone-else' }))],
    ['an expired token', bearer(tokenFor({ role: 'prefectural-operator' }, { expiresInSeconds: -10 }))],
    ['an unknown role', bearer(tokenFor({ role: 'superuser' }))],
    ['a clerk without a municipality', bearer(tokenFor({ role: 'municipal-clerk' }))],
  ])('answers 401 problem+json for %s', async (_label, headers) => {
    const url = _label === 'a clerk without a municipality' ? '/test/clerks' : '/test/registry-or-operator';
    const res = await get(url, headers as Record<string, string>);
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toMatchObject({ type: 'urn:jpki-ledger:problem:unauthenticated', status: 401, title: 'Authentication required' });
  });

  it('refuses an unsigned ("alg": "none") token', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'x', role: 'prefectural-operator', organisation: 'o', iss: 'jpki-ledger-test' })).toString('base64url');
    const res = await get('/test/registry-or-operator', { authorization: `Bearer ${header}.${payload}.` });
    expect(res.statusCode).toBe(401);
  });

  it('answers 403 problem+json naming the role when the role is not admitted', async () => {
    const res = await get('/test/registry-or-operator', bearer(tokenFor({ role: 'auditor' })));
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: 'urn:jpki-ledger:problem:forbidden', status: 403 });
    expect(res.json().detail).toContain('auditor');
  });

  it('keeps refusing a token once it has expired, though it was admitted before', async () => {
    const token = bearer(tokenFor({ role: 'prefectural-operator' }, { expiresInSeconds: 1 }));
    expect((await get('/test/registry-or-operator', token)).statusCode).toBe(200);
    expect((await get('/test/registry-or-operator', token)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await get('/test/registry-or-operator', token)).statusCode).toBe(401);
  });

  it('admits a token verified by this app only: another app with another secret refuses it', async () => {
    const token = bearer(tokenFor({ role: 'prefectural-operator' }));
    expect((await get('/test/registry-or-operator', token)).statusCode).toBe(200);
    const other = await testApp({ authSecret: 'a-different-secret-of-at-least-32-characters' });
    try {
      const res = await other.app.inject({ method: 'GET', url: '/v1/certificates/0A0B/status', headers: token });
      expect(res.statusCode).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('lets public routes through without a token', async () => {
    expect((await get('/health')).statusCode).toBe(200);
  });
});

describe('a route that declares no roles', () => {
  it.each([
    ['no access at all', {}],
    ['an empty role list', { config: { access: { roles: [] } } }],
  ])('stops the app from starting (%s)', async (_label, options) => {
    await expect(
      testApp({
        extend: (app) => {
          app.get('/test/undeclared', options, async () => 'never');
        },
      }),
    ).rejects.toThrow(/declares no access/);
  });
});
