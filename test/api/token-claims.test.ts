/**
 * The registered claims of a bearer token (RFC 7519): the issuer, a bounded lifetime, and no
 * issue or start instant far in the future. Tokens are signed here by hand (HS256 over the
 * payload given), so each claim can be left out or set as an attacker would.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { principal } from '../../api/auth/authentication.js';
import { bearer, TEST_ISSUER, TEST_SECRET, testApp, tokenFor, type TestApp } from '../support/test-app.js';

const MAX_LIFETIME = 600;

function signed(payload: Record<string, unknown>, secret = TEST_SECRET): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);
const who = { sub: 'op-1', role: 'prefectural-operator', organisation: 'tokyo-pref' };
/** A token this ledger accepts: every registered claim present and in bounds. */
const good = (): Record<string, unknown> => ({ ...who, iss: TEST_ISSUER, iat: now(), exp: now() + 300 });
const without = (claim: string): Record<string, unknown> => {
  const payload = good();
  delete payload[claim];
  return payload;
};

describe('registered claims of a bearer token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({
      env: { LEDGER_JWT_MAX_LIFETIME_SECONDS: String(MAX_LIFETIME) },
      extend: (app) => {
        app.get('/test/operator', { config: { access: { roles: ['prefectural-operator'] } } }, async (request) => principal(request));
      },
    });
  });
  afterAll(() => t.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  const get = (token: string) => t.app.inject({ method: 'GET', url: '/test/operator', headers: bearer(token) });

  it('admits a token with every claim in bounds, and one issued up to 60 s ahead of this clock', async () => {
    expect((await get(signed(good()))).statusCode).toBe(200);
    expect((await get(signed({ ...good(), iat: now() + 30, nbf: now() + 30, exp: now() + 330 }))).statusCode).toBe(200);
    expect((await get(signed({ ...good(), exp: now() + MAX_LIFETIME }))).statusCode).toBe(200);
  });

  it.each([
    ['without iss', () => without('iss'), 'iss'],
    ['with an iss that is not a string', () => ({ ...good(), iss: [TEST_ISSUER] }), 'iss'],
    ['without exp (it would never expire)', () => without('exp'), 'exp'],
    ['without iat (its lifetime cannot be told)', () => without('iat'), 'iat'],
    ['living longer than LEDGER_JWT_MAX_LIFETIME_SECONDS', () => ({ ...good(), exp: now() + MAX_LIFETIME + 1 }), 'exp'],
    ['issued more than 60 s in the future', () => ({ ...good(), iat: now() + 120, exp: now() + 300 }), 'iat'],
    ['not valid before an instant more than 60 s away', () => ({ ...good(), nbf: now() + 120 }), 'nbf'],
  ])('answers 401 problem+json naming the claim for a token %s', async (_label, payload, claim) => {
    const token = signed(payload());
    for (let attempt = 0; attempt < 2; attempt++) {
      // Asked twice: a refused token is not remembered as admitted either.
      const res = await get(token);
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      const body = res.json();
      expect(body).toMatchObject({ type: 'urn:jpki-ledger:problem:unauthenticated', status: 401, claim });
      expect(body.detail).toContain(`\`${claim}\``);
      expect(JSON.stringify(body)).not.toContain(token);
    }
  });

  it('says the token expired, naming exp, once it has', async () => {
    const res = await get(signed({ ...good(), iat: now() - 100, exp: now() - 10 }));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ claim: 'exp' });
  });

  it('stops admitting a remembered token at its exp', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const token = signed({ ...good(), exp: now() + 100 });
    expect((await get(token)).statusCode).toBe(200);
    expect((await get(token)).statusCode).toBe(200);
    vi.setSystemTime(Date.now() + 101_000);
    const res = await get(token);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ claim: 'exp' });
  });

  it('admits the tokens the test helper and `ledger token` sign (iss, iat and exp set)', async () => {
    expect((await get(tokenFor({ role: 'prefectural-operator' }, { expiresInSeconds: MAX_LIFETIME }))).statusCode).toBe(200);
  });
});
