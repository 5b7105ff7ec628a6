/**
 * The fuzz: every route the app serves (read from its route tree, so a new route is fuzzed without
 * anyone adding it here) gets generated requests — arbitrary JSON, lone surrogates, NUL and other
 * controls, 64 KiB strings, deep nesting, wrong types, junk query strings and path parameters
 * (percent-encoded surrogates and NUL, broken escapes, over-long values), wrong or missing content
 * types and idempotency keys, with a token of a role the route admits (sometimes another role,
 * another municipality, none or a forged one) — and valid requests with one field changed, so the
 * fuzz gets past the schemas into the deciders. For every request:
 *
 *  - no 5xx, but a 503 whose problem type says the ledger cannot answer yet, which is documented and
 *    retryable: `not-yet-consistent` (a read model behind `?minPosition=`), `store-unavailable` (the
 *    store cannot write), `shutting-down`;
 *  - every 4xx (and that 503) is application/problem+json with `type`, `title`, `status` (the
 *    reply's) and `detail`;
 *  - a refused request (4xx, 503) moved nothing: the global position is where it was.
 *
 * The ledger is made quiet first, so the position can only move by the request: a fixed clock, no
 * publication loop or log sealer (testApp starts neither), and the registry reactor stopped once
 * the set-up is done (it would otherwise act on notices the fuzz records, in the background).
 *
 * Bounded and seeded in `npm test`; `npm run fuzz -- --runs N` runs it longer (settings.ts).
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../support/clocks.js';
import { issueSigning, postOk } from '../support/http-lifecycle.js';
import { residentCsr } from '../support/resident-csr.js';
import { tokenFor, testApp } from '../support/test-app.js';
import {
  authRecipe,
  contentType,
  deepBody,
  idempotencyKey,
  json,
  mutate,
  mutation,
  paramRecipe,
  percentEncode,
  queryString,
  rawBody,
  type AuthRecipe,
  type Mutation,
  type ParamRecipe,
} from './arbitraries.js';
import { fill, probeHook, routeName, servedRoutes, type Access, type ServedRoute } from './routes.js';
import { parameters, timeoutFor } from './settings.js';

const CHIYODA = '131016';
const ELSEWHERE = '271004';
const NOW = new Date();
const day = (offset: number) => new Date(NOW.getTime() + offset * 86_400_000);

/** 503s that say "not now" in a documented, retryable way; every other 5xx fails the fuzz. */
const RETRYABLE_503 = new Set(['not-yet-consistent', 'store-unavailable', 'shutting-down'].map((slug) => `urn:jpki-ledger:problem:${slug}`));

// The app, quiet, with things to point at: certificates, applications in each state, a notice, a checkpoint.
const found = new Map<string, Access>();
const t = await testApp({ clock: fixedClock(NOW.toISOString()), env: { LEDGER_HOLD_LIFTING: 'on' }, extend: probeHook(found) });
const routes = await servedRoutes(t.app, found);
/** Tokens are made when used: a long run outlives a token made at the start. */
const clerk = () => bearer('municipal-clerk');
const applicant = (residentRecordCode: string) => ({ residentRecordCode, name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区千代田1-1' });
const application = (residentRecordCode: string) => ({ certificateType: 'signing', municipalityCode: CHIYODA, applicant: applicant(residentRecordCode) });
const items = { name: '山田 太郎', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区千代田1-1' };
const notice = (noticeId: string, residentRecordCode = '96100000009') => ({
  noticeId,
  residentRecordCode,
  municipalityCode: CHIYODA,
  kind: 'address',
  before: items,
  after: { ...items, address: '東京都港区芝公園4-2-8' },
  minor: false,
  effectiveDate: day(-3).toISOString().slice(0, 10),
});
const pools: Record<string, string[]> = { id: [], serial: [], noticeId: ['FUZZ-SEED-1'], type: ['signing', 'user-authentication'], partition: ['delta', CHIYODA], '*': ['MEIwQDA%2BMDwwOjAJBgUrDgMCGgUABBQ'] };
/** A CSR of a key never seen before (ECDSA: quick to make). */
const freshCsr = () => residentCsr('ECDSA-P256');
const submit = async (code = '96100000003') => (await postOk(t, '/v1/applications', clerk(), application(code))).applicationId as string;
const verify = (id: string) => postOk(t, `/v1/applications/${id}/identity-verification`, clerk(), { result: 'verified', method: 'photo-id', documentType: 'passport' });
/** An application brought to a stage: 0 submitted, 1 identity verified, 2 key accepted, 3 issued (then its serial). */
async function freshTarget(stage: number): Promise<{ id: string; serial?: string }> {
  const id = await submit();
  if (stage >= 1) await verify(id);
  if (stage >= 2) await postOk(t, `/v1/applications/${id}/public-key`, clerk(), { csr: await freshCsr() });
  if (stage >= 3) return { id, serial: (await postOk(t, `/v1/applications/${id}/issuance`, bearer('prefectural-operator'))).serialNumber as string };
  return { id };
}
{
  for (const code of ['96100000001', '96100000002']) pools.serial!.push((await issueSigning(t, CHIYODA, code)).serialNumber);
  for (const stage of [0, 1, 2]) pools.id!.push((await freshTarget(stage)).id);
  await postOk(t, '/v1/registry-changes', bearer('registry-feed'), notice('FUZZ-SEED-1'));
  await postOk(t, '/v1/audit/checkpoints', bearer('auditor'));
  await t.ledger.registryReactor.stop();
}
afterAll(() => t.close());

function bearer(role: string, municipality = CHIYODA): Record<string, string> {
  return { authorization: `Bearer ${tokenFor({ role, ...(role === 'municipal-clerk' ? { municipality } : {}) })}` };
}
const ROLES = ['municipal-clerk', 'prefectural-operator', 'auditor', 'privacy-council', 'registry-feed', 'relying-party'];

function authHeaders(access: Access, recipe: AuthRecipe, pick: number): Record<string, string> {
  const roles = access === 'public' ? [] : [...access.roles];
  const admitted = roles[pick % Math.max(1, roles.length)];
  const others = ROLES.filter((r) => !roles.includes(r));
  switch (recipe) {
    case 'admitted':
      return admitted === undefined ? {} : bearer(admitted);
    case 'admitted-elsewhere':
      return admitted === undefined ? {} : bearer(admitted, ELSEWHERE);
    case 'other-role':
      return bearer(others[pick % others.length] ?? 'relying-party');
    case 'none':
      return {};
    case 'garbage':
      return { authorization: pick % 2 === 0 ? 'Bearer a.b.c' : `Basic ${'x'.repeat(pick % 300)}` };
    case 'expired':
      return { authorization: `Bearer ${tokenFor({ role: admitted ?? 'auditor' }, { secret: 'another-secret-of-at-least-thirty-two-characters' })}` };
  }
}

const pickFrom = (pool: readonly string[], n: number): string => pool[pool.length - 1 - (n % pool.length)] ?? 'x';
const resolveParam = (name: string, recipe: ParamRecipe): string =>
  recipe.kind === 'wire' ? recipe.value : name === '*' ? pickFrom(pools[name] ?? [], recipe.pick) : percentEncode(pickFrom(pools[name] ?? ['x'], recipe.pick));

/** Stands for a CSR made for the request (a key is accepted once in the whole ledger). */
const FRESH_CSR = 'fresh CSR';

/** A valid request for a route, built from what the ledger holds; mutations start from it. */
interface Valid {
  readonly params?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
}
const VALID: Record<string, (n: number) => Valid> = {
  'POST /v1/applications': () => ({ body: application('96100000010') }),
  'POST /v1/applications/:id/identity-verification': () => ({ body: { result: 'verified', method: 'photo-id', documentType: 'passport', note: 'seen at the counter' } }),
  'POST /v1/applications/:id/public-key': () => ({ body: { csr: FRESH_CSR } }),
  'POST /v1/applications/:id/issuance': () => ({}),
  'POST /v1/applications/:id/withdrawal': () => ({ body: { reason: 'moved away' } }),
  'POST /v1/applications/:id/rejection': () => ({ body: { reason: 'documents incomplete' } }),
  'POST /v1/certificates/:serial/delivery': () => ({}),
  'POST /v1/certificates/:serial/hold': () => ({ body: { reportedBy: 'holder' } }),
  'POST /v1/certificates/:serial/hold/lift': () => ({ body: { cause: 'card-found' } }),
  'POST /v1/certificates/:serial/revocation': () => ({ body: { reason: 'keyCompromise', legalGround: 'key-compromise', invalidityDate: day(-1).toISOString() } }),
  'POST /v1/registry-changes': (n) => ({ body: notice(`FUZZ-${n % 7}`) }),
  'POST /v1/registry-changes/batch': (n) => ({ body: [notice(`FUZZ-B-${n % 5}`), notice(`FUZZ-B-${(n + 1) % 5}`, '96100000011')] }),
  'POST /v1/audit/checkpoints': () => ({}),
  'GET /v1/applications/:id': () => ({ query: { purpose: 'certificate-administration' } }),
  'GET /v1/certificates/:serial': () => ({ query: { purpose: 'certificate-administration' } }),
  'GET /v1/certificates/:serial/status': () => ({ query: { asOf: day(-1).toISOString(), knownAt: NOW.toISOString() } }),
  'GET /v1/crl/:type': () => ({ query: { asOf: day(-1).toISOString() } }),
  'GET /v1/registry-changes': () => ({ query: { status: 'discrepancy', limit: '10' } }),
  'GET /v1/audit/proofs/inclusion': () => ({ query: { position: '1', treeSize: '2' } }),
  'GET /v1/audit/proofs/consistency': () => ({ query: { from: '1', to: '2' } }),
  'GET /v1/audit/access-report': () => ({ query: { from: day(-2).toISOString().slice(0, 10), to: day(1).toISOString().slice(0, 10) } }),
  'GET /v1/audit/disclosures': () => ({ query: { residentRecordCode: '96100000001' } }),
};
const validFor = (route: ServedRoute) => VALID[routeName({ ...route, method: route.method === 'HEAD' ? 'GET' : route.method })];
const isCommand = (route: ServedRoute) => route.method === 'POST' && route.access !== 'public';

interface Sent {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string | Buffer;
}

/** What the failure message shows of a request: its form, not 64 KiB of it. */
function shape(req: Sent): string {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}… (${s.length} characters)` : s);
  const payload = req.payload === undefined ? '(no body)' : typeof req.payload === 'string' ? JSON.stringify(cut(req.payload)) : `<${req.payload.length} bytes ${req.payload.subarray(0, 40).toString('hex')}>`;
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, k === 'authorization' ? `${v.slice(0, 12)}…` : cut(v)]));
  return `${req.method} ${cut(req.url)} ${JSON.stringify(headers)} ${payload}`;
}

function problemTypeOf(res: LightMyRequestResponse): unknown {
  try {
    return (JSON.parse(res.body) as { type?: unknown }).type;
  } catch {
    return undefined;
  }
}

/** Sends one request and holds the reply to the rules above; keeps what it created for later requests. */
async function send(req: Sent): Promise<LightMyRequestResponse> {
  const before = await t.ledger.store.headPosition();
  const res = await t.app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, ...(req.payload === undefined ? {} : { payload: req.payload }) });
  const after = await t.ledger.store.headPosition();
  const what = `${shape(req)}\n→ ${res.statusCode} ${res.headers['content-type'] ?? ''} ${res.body.slice(0, 500)}`;
  const problemType = problemTypeOf(res);
  if (res.statusCode >= 500) {
    // A HEAD reply has no body to name its problem: its GET (HEAD routes exist only for GETs that disclose nothing) does.
    const type = req.method === 'HEAD' ? problemTypeOf(await t.app.inject({ method: 'GET', url: req.url, headers: req.headers })) : problemType;
    expect(res.statusCode === 503 && RETRYABLE_503.has(String(type)), `a 5xx:\n${what}`).toBe(true);
  }
  if (res.statusCode >= 400) {
    expect(String(res.headers['content-type']), `a refusal that is not problem+json:\n${what}`).toMatch(/^application\/problem\+json/);
    if (req.method !== 'HEAD') {
      const body = JSON.parse(res.body) as Record<string, unknown>;
      for (const member of ['type', 'title', 'detail']) expect(typeof body[member], `problem without ${member}:\n${what}`).toBe('string');
      expect(body.status, `problem whose status is not the reply's:\n${what}`).toBe(res.statusCode);
    }
    expect(after, `a refused request moved the global position from ${before} to ${after}:\n${what}`).toBe(before);
  } else if (res.statusCode < 300 && req.method !== 'HEAD') {
    const reply = (() => {
      try {
        return JSON.parse(res.body) as Record<string, unknown>;
      } catch {
        return {};
      }
    })();
    const keep = (pool: string, value: unknown) => {
      if (typeof value !== 'string' || pools[pool]!.includes(value)) return;
      pools[pool]!.push(value);
      if (pools[pool]!.length > 12) pools[pool]!.shift();
    };
    keep('id', reply.applicationId);
    keep('serial', reply.serialNumber);
    if (reply.status === 'accepted') keep('noticeId', reply.noticeId);
  }
  return res;
}

/** Headers every request carries; the idempotency key as the wire would carry it (UTF-8 bytes read as Latin-1). */
function headersOf(auth: Record<string, string>, type: string | undefined, key: string | undefined): Record<string, string> {
  return {
    ...auth,
    ...(type === undefined ? {} : { 'content-type': type }),
    ...(key === undefined ? {} : { 'idempotency-key': Buffer.from(key, 'utf8').toString('latin1') }),
  };
}

type BodyRecipe =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'raw'; readonly value: string | Buffer }
  | { readonly kind: 'mutated'; readonly mutation: Mutation };

const bodyRecipe = (route: ServedRoute): fc.Arbitrary<BodyRecipe> =>
  fc.oneof(
    { weight: route.method === 'POST' ? 1 : 6, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 4, arbitrary: json.map((value) => ({ kind: 'json' as const, value })) },
    { weight: 2, arbitrary: rawBody.map((value) => ({ kind: 'raw' as const, value })) },
    { weight: 1, arbitrary: deepBody.map((value) => ({ kind: 'raw' as const, value })) },
    { weight: validFor(route)?.(0).body === undefined ? 0 : 4, arbitrary: mutation.map((m) => ({ kind: 'mutated' as const, mutation: m })) },
  );

function payloadOf(body: BodyRecipe, valid: Valid | undefined): string | Buffer | undefined {
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'json':
      return JSON.stringify(body.value) ?? 'null';
    case 'raw':
      return body.value;
    case 'mutated':
      return JSON.stringify(mutate(valid?.body ?? {}, body.mutation)) ?? 'null';
  }
}

describe('fuzz: every route the app serves', () => {
  it('finds the routes, and knows a valid request for every command route (a route added without one fails here: add it to VALID)', () => {
    expect(routes.length).toBeGreaterThan(25);
    expect(routes.filter(isCommand).filter((r) => validFor(r) === undefined).map(routeName)).toEqual([]);
  });

  describe.each(routes.map((route) => [routeName(route), route] as const))('%s', (_name, route) => {
    const paramsArb = fc.record(Object.fromEntries(route.params.map((p) => [p, paramRecipe])) as Record<string, fc.Arbitrary<ParamRecipe>>);

    it(
      'answers anything without a 5xx, refuses it as problem+json, and a refusal writes nothing',
      async () => {
        const property = fc.asyncProperty(
          fc.record({ params: paramsArb, query: fc.option(queryString, { nil: undefined }), auth: authRecipe, pick: fc.nat(), type: contentType, body: bodyRecipe(route), key: idempotencyKey }),
          async ({ params, query, auth, pick, type, body, key }) => {
            const path = fill(route.url, Object.fromEntries(route.params.map((p) => [p, resolveParam(p, params[p]!)])));
            await send({
              method: route.method,
              url: query === undefined ? path : `${path}?${query}`,
              headers: headersOf(authHeaders(route.access, auth, pick), type, key),
              ...(() => {
                const payload = payloadOf(body, validFor(route)?.(pick));
                return payload === undefined ? {} : { payload };
              })(),
            });
          },
        );
        await fc.assert(property, parameters(20));
      },
      timeoutFor(20, 60),
    );

    const valid = validFor(route);
    if (valid === undefined) return;
    it(
      'answers a valid request with one field changed without a 5xx, and a refusal writes nothing',
      async () => {
        const property = fc.asyncProperty(
          fc.record({ params: paramsArb, pick: fc.nat(), fresh: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), change: mutation, where: fc.constantFrom('body', 'query'), key: idempotencyKey }),
          async ({ params, pick, fresh, change, where, key }) => {
            const given = valid(pick);
            const template = JSON.stringify(given.body)?.includes(FRESH_CSR) === true ? { ...given, body: JSON.parse(JSON.stringify(given.body).replace(FRESH_CSR, JSON.stringify(await freshCsr()).slice(1, -1))) as unknown } : given;
            // Path parameters name something the ledger holds: often made for this request, in a state where the command can take effect.
            const made = fresh && (route.params.includes('id') || route.params.includes('serial')) ? await freshTarget(route.params.includes('serial') ? 3 : pick % 3) : undefined;
            const known = (p: string) => (p === 'id' && made !== undefined ? made.id : p === 'serial' && made?.serial !== undefined ? made.serial : undefined);
            const path = fill(route.url, Object.fromEntries(route.params.map((p) => [p, known(p) ?? resolveParam(p, params[p]!.kind === 'known' ? params[p]! : { kind: 'known', pick })])));
            const changeQuery = where === 'query' || template.body === undefined;
            const query = changeQuery && template.query !== undefined ? (mutate(template.query, change) as Record<string, unknown>) : template.query;
            const search = query === undefined || typeof query !== 'object' || query === null
              ? ''
              : Object.entries(query).map(([k, v]) => `${percentEncode(k)}=${percentEncode(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))}`).join('&');
            const body = template.body === undefined ? undefined : changeQuery ? template.body : mutate(template.body, change);
            await send({
              method: route.method,
              url: search === '' ? path : `${path}?${search}`,
              headers: headersOf(authHeaders(route.access, 'admitted', pick), body === undefined ? undefined : 'application/json', key),
              ...(body === undefined ? {} : { payload: JSON.stringify(body) ?? 'null' }),
            });
          },
        );
        await fc.assert(property, parameters(20));
      },
      timeoutFor(20, 60),
    );
  });
});

