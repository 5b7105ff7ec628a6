/**
 * Command identity against a reference model (fast-check model-based testing). Sequences of
 * commands — an application for resident A or B, a hold, its lifting and a revocation of one
 * certificate (two bodies each), a batch of registry notices (two overlapping batches) — each under
 * one of a few Idempotency-Keys or none, sometimes the same request twice at once, run against the
 * real app. The model is a map from key to the fingerprint (route and body) and first reply of the
 * command that claimed it, plus what the ledger should hold. It predicts:
 *
 *  - no key, or a key no command has claimed: the command runs — 201/200/202 as the route says,
 *    or the refusal the certificate's state calls for (409 already-on-hold, not-on-hold,
 *    already-revoked), which writes nothing and claims nothing;
 *  - the key of a command with the same route and body: the identical reply, nothing written;
 *  - the key of another command (another route or body): 422 idempotency-key-reused, nothing written;
 *  - the same key and request twice at once: both replies identical, one effect.
 *
 * After every step the ledger is read back — applications submitted, holds, lifts and revocations
 * on the certificate's stream, notices received, keys claimed since the run began — and held to the
 * model, and a step the model says writes nothing must leave the global position where it was.
 *
 * On the embedded store and on EventStoreDB (the stand-in, through the real client). Bounded in `npm test`; `npm run fuzz -- --model [--runs N]` runs it longer.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateStream } from '../../domain/certificate/decider.js';
import { EventStoreDbEventStore } from '../../infrastructure/event-store/eventstoredb/eventstoredb-event-store.js';
import { fixedClock } from '../support/clocks.js';
import { start } from '../support/esdb-standin/standin.js';
import { postOk } from '../support/http-lifecycle.js';
import { residentCsr } from '../support/resident-csr.js';
import { bearer, testApp, tokenFor, type TestApp } from '../support/test-app.js';
import { parameters, timeoutFor } from './settings.js';

const CHIYODA = '131016';
/** Tokens are made when used: a long run outlives a token made at the start (the caller, and so the fingerprint, stays the same). */
const CLERK = () => bearer(tokenFor({ role: 'municipal-clerk', municipality: CHIYODA }));
const OPERATOR = () => bearer(tokenFor({ role: 'prefectural-operator' }));
const FEED = () => bearer(tokenFor({ role: 'registry-feed', organisation: 'juki-net' }));
const NOW = new Date();

type Route = 'submit' | 'hold' | 'lift' | 'revoke' | 'batch';
interface Spec {
  readonly route: Route;
  readonly variant: 0 | 1;
  readonly key: string | undefined;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly location: string | undefined;
}

interface Model {
  /** Claimed keys (scoped by caller, as the ledger scopes them): the claiming command's fingerprint and first reply. */
  readonly claims: Map<string, { readonly fingerprint: string; readonly reply: Reply }>;
  certificate: 'good' | 'on-hold' | 'revoked';
  submitted: number;
  holds: number;
  lifts: number;
  revocations: number;
  readonly notices: Set<string>;
}

interface Real {
  readonly t: TestApp;
  readonly run: number;
  readonly serial: string;
  readonly start: bigint;
}

const callerOf = (route: Route) => (route === 'submit' ? 'clerk' : route === 'batch' ? 'feed' : 'operator');
const fingerprintOf = (spec: Spec) => `${spec.route}#${spec.variant}`;
const items = { name: '山田 太郎', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区千代田1-1' };
const noticeIds = (run: number, variant: 0 | 1) => (variant === 0 ? [`M${run}-N1`, `M${run}-N2`] : [`M${run}-N2`, `M${run}-N3`]);

function requestOf(spec: Spec, real: Real): { url: string; headers: Record<string, string>; payload?: unknown } {
  const key = spec.key === undefined ? {} : { 'idempotency-key': `run-${real.run}-${spec.key}` };
  const certificate = `/v1/certificates/${real.serial}`;
  switch (spec.route) {
    case 'submit':
      return {
        url: '/v1/applications',
        headers: { ...CLERK(), ...key },
        payload: { certificateType: 'signing', municipalityCode: CHIYODA, applicant: { ...items, residentRecordCode: spec.variant === 0 ? '96300000001' : '96300000002', nameKana: 'ヤマダ タロウ' } },
      };
    case 'hold':
      return { url: `${certificate}/hold`, headers: { ...OPERATOR(), ...key }, payload: { reportedBy: spec.variant === 0 ? 'holder' : 'call-centre' } };
    case 'lift':
      return { url: `${certificate}/hold/lift`, headers: { ...OPERATOR(), ...key }, payload: { cause: spec.variant === 0 ? 'card-found' : 'report-withdrawn' } };
    case 'revoke':
      return {
        url: `${certificate}/revocation`,
        headers: { ...OPERATOR(), ...key },
        payload: spec.variant === 0 ? { reason: 'keyCompromise', legalGround: 'key-compromise' } : { reason: 'affiliationChanged', legalGround: 'registry-change' },
      };
    case 'batch':
      return {
        url: '/v1/registry-changes/batch',
        headers: { ...FEED(), ...key },
        payload: noticeIds(real.run, spec.variant).map((noticeId) => ({
          noticeId,
          residentRecordCode: '96300000009',
          municipalityCode: CHIYODA,
          kind: 'address',
          before: items,
          after: { ...items, address: '東京都港区芝公園4-2-8' },
          minor: false,
          effectiveDate: '2026-04-01',
        })),
      };
  }
}

/** A reply as compared between attempts: its status, body (less the per-request correlation id) and Location. */
function replyOf(res: LightMyRequestResponse): Reply {
  const { correlationId: _ignored, ...body } = res.json() as Record<string, unknown>;
  return { status: res.statusCode, body, location: res.headers.location as string | undefined };
}

type Prediction =
  | { readonly kind: 'repeat'; readonly reply: Reply }
  | { readonly kind: 'reused' }
  | { readonly kind: 'refused'; readonly status: number; readonly rule: string }
  | { readonly kind: 'effect'; readonly status: number; readonly apply: (m: Model) => void; readonly accepted?: readonly boolean[] };

function predict(m: Model, spec: Spec, run: number): Prediction {
  if (spec.key !== undefined) {
    const claim = m.claims.get(`${callerOf(spec.route)}:${spec.key}`);
    if (claim !== undefined) return claim.fingerprint === fingerprintOf(spec) ? { kind: 'repeat', reply: claim.reply } : { kind: 'reused' };
  }
  const revoked = { kind: 'refused', status: 409, rule: 'already-revoked' } as const;
  switch (spec.route) {
    case 'submit':
      return { kind: 'effect', status: 201, apply: (model) => void model.submitted++ };
    case 'hold':
      if (m.certificate === 'revoked') return revoked;
      if (m.certificate === 'on-hold') return { kind: 'refused', status: 409, rule: 'already-on-hold' };
      return { kind: 'effect', status: 200, apply: (model) => ((model.certificate = 'on-hold'), model.holds++) };
    case 'lift':
      if (m.certificate === 'revoked') return revoked;
      if (m.certificate === 'good') return { kind: 'refused', status: 409, rule: 'not-on-hold' };
      return { kind: 'effect', status: 200, apply: (model) => ((model.certificate = 'good'), model.lifts++) };
    case 'revoke':
      if (m.certificate === 'revoked') return revoked;
      return { kind: 'effect', status: 200, apply: (model) => ((model.certificate = 'revoked'), model.revocations++) };
    case 'batch': {
      const ids = noticeIds(run, spec.variant);
      const accepted = ids.map((id) => !m.notices.has(id));
      // A batch of duplicates only writes nothing, so it claims no key either.
      return { kind: 'effect', status: 200, accepted, apply: (model) => ids.forEach((id) => model.notices.add(id)) };
    }
  }
}

/** What the ledger holds since the run began, counted as the model counts it. */
async function ledgerCounts(real: Real) {
  const counts = { submitted: 0, holds: 0, lifts: 0, revocations: 0, notices: new Set<string>(), claims: 0 };
  // From the run's start, inclusive (EventStoreDB's positions are not consecutive), less the event there.
  for await (const event of real.t.ledger.store.readAll({ fromPosition: real.start })) {
    if (event.position === real.start) continue;
    if (event.type === 'ApplicationSubmitted') counts.submitted++;
    if (event.type === 'RegistryChangeReceived') counts.notices.add(String(event.data.noticeId));
    if (event.type === 'CommandKeyClaimed') counts.claims++;
    if (event.stream !== certificateStream(real.serial)) continue;
    if (event.type === 'CertificateHoldPlaced') counts.holds++;
    if (event.type === 'CertificateHoldLifted') counts.lifts++;
    if (event.type === 'CertificateRevoked') counts.revocations++;
  }
  return counts;
}

class Send implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly spec: Spec,
    readonly twiceAtOnce: boolean,
  ) {}

  check(): boolean {
    return true;
  }

  async run(m: Model, real: Real): Promise<void> {
    const prediction = predict(m, this.spec, real.run);
    const { url, headers, payload } = requestOf(this.spec, real);
    const send = () => real.t.app.inject({ method: 'POST', url, headers, payload: payload as object });
    const before = await real.t.ledger.store.headPosition();
    const replies = this.twiceAtOnce ? await Promise.all([send(), send()]) : [await send()];
    const after = await real.t.ledger.store.headPosition();
    const first = replyOf(replies[0]!);
    const what = `${this.toString()} → ${replies.map((r) => `${r.statusCode} ${r.body.slice(0, 300)}`).join(' | ')}`;
    if (this.twiceAtOnce) expect(replyOf(replies[1]!), `two identical requests at once, two different replies: ${what}`).toEqual(first);

    switch (prediction.kind) {
      case 'repeat':
        expect(first, `a retry under its key did not repeat the first reply: ${what}`).toEqual(prediction.reply);
        expect(after, `a retry wrote: ${what}`).toBe(before);
        break;
      case 'reused':
        expect(first.status, what).toBe(422);
        expect((first.body as { type?: string }).type, what).toBe('urn:jpki-ledger:problem:idempotency-key-reused');
        expect(after, `a reused key wrote: ${what}`).toBe(before);
        break;
      case 'refused':
        expect(first.status, what).toBe(prediction.status);
        expect((first.body as { type?: string }).type, what).toBe(`urn:jpki-ledger:problem:${prediction.rule}`);
        expect(after, `a refusal wrote: ${what}`).toBe(before);
        break;
      case 'effect': {
        expect(first.status, what).toBe(prediction.status);
        const wrote = prediction.accepted === undefined || prediction.accepted.includes(true);
        if (prediction.accepted !== undefined) {
          const results = (first.body as { results: { result: string }[] }).results.map((r) => r.result);
          expect(results, what).toEqual(prediction.accepted.map((a) => (a ? 'accepted' : 'duplicate')));
        }
        if (wrote) expect(after, `a command that took effect wrote nothing: ${what}`).toBeGreaterThan(before);
        else expect(after, `a batch of duplicates wrote: ${what}`).toBe(before);
        prediction.apply(m);
        if (wrote && this.spec.key !== undefined) m.claims.set(`${callerOf(this.spec.route)}:${this.spec.key}`, { fingerprint: fingerprintOf(this.spec), reply: first });
        break;
      }
    }

    const held = await ledgerCounts(real);
    expect(
      { submitted: held.submitted, holds: held.holds, lifts: held.lifts, revocations: held.revocations, notices: [...held.notices].sort(), claims: held.claims },
      `the ledger does not hold what the model expects after ${what}`,
    ).toEqual({ submitted: m.submitted, holds: m.holds, lifts: m.lifts, revocations: m.revocations, notices: [...m.notices].sort(), claims: m.claims.size });
  }

  toString(): string {
    return `${this.twiceAtOnce ? 'twice at once: ' : ''}${this.spec.route}#${this.spec.variant} key=${this.spec.key ?? '(none)'}`;
  }
}

const KEYS = ['k1', 'k2'];
const spec = (routes: readonly Route[], key: fc.Arbitrary<string | undefined>) =>
  fc.record({ route: fc.constantFrom(...routes), variant: fc.constantFrom(0 as const, 1 as const), key });
const anyKey = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.constant(undefined) });
const commands = fc.commands(
  [
    spec(['submit', 'hold', 'lift', 'batch'], anyKey).map((s) => new Send(s, false)),
    spec(['revoke'], anyKey).map((s) => new Send(s, false)),
    spec(['submit', 'hold', 'lift', 'revoke', 'batch'], fc.constantFrom(...KEYS)).map((s) => new Send(s, true)),
  ],
  { maxCommands: 30, size: 'medium' },
);

/** Each store with the runs of the bounded test (the stand-in is slower: fewer). */
const stores: [string, number, () => Promise<{ open?: Parameters<typeof testApp>[0]; stop(): Promise<void> }>][] = [
  ['the embedded store', 20, async () => ({ stop: async () => undefined })],
  [
    'EventStoreDB (stand-in)',
    10,
    async () => {
      const standIn = await start();
      return {
        open: { openStore: (clock) => EventStoreDbEventStore.connect({ url: standIn.url, clock }), env: { LEDGER_EVENTSTORE_URL: standIn.url, LEDGER_PROJECTION_WORKER: 'off' } },
        stop: () => standIn.stop(),
      };
    },
  ],
];

/**
 * Seeds a long run found that still fail. (Seed -2059251961 path 60 on the stand-in, fixed: the
 * adapter cancelled every read of a missing stream and most reads of the head, each an RST_STREAM,
 * until the stand-in's HTTP/2 server closed the connection with INTERNAL_ERROR; replaying it takes
 * some 45 s, so its regression test is "many short reads on one connection" in
 * test/infrastructure/event-store/eventstoredb-standin.test.ts.)
 */
const KNOWN_FAILURES: readonly { readonly store: string; readonly seed: number; readonly path: string; readonly what: string }[] = [];

describe.each(stores)('command identity, model-based, on %s', (_name, bounded, setUpStore) => {
  let t: TestApp;
  let stop: () => Promise<void>;
  let runs = 0;
  beforeAll(async () => {
    const store = await setUpStore();
    stop = store.stop;
    t = await testApp({ clock: fixedClock(NOW.toISOString()), ...store.open, env: { LEDGER_HOLD_LIFTING: 'on', ...store.open?.env } });
    // Nothing but the commands writes: the reactor would act on the notices in the background.
    await t.ledger.registryReactor.stop();
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await stop();
  });

  /** Each run gets a certificate of its own, issued through the API (an ECDSA key: quick to make). */
  async function setup(): Promise<{ model: Model; real: Real }> {
    const run = ++runs;
    const code = `9640${String(run).padStart(7, '0')}`;
    const id = (await postOk(t, '/v1/applications', CLERK(), { certificateType: 'signing', municipalityCode: CHIYODA, applicant: { ...items, residentRecordCode: code, nameKana: 'ヤマダ タロウ' } })).applicationId;
    await postOk(t, `/v1/applications/${id}/identity-verification`, CLERK(), { result: 'verified', method: 'photo-id', documentType: 'passport' });
    await postOk(t, `/v1/applications/${id}/public-key`, CLERK(), { csr: await residentCsr('ECDSA-P256') });
    const serial = (await postOk(t, `/v1/applications/${id}/issuance`, OPERATOR())).serialNumber as string;
    const model: Model = { claims: new Map(), certificate: 'good', submitted: 0, holds: 0, lifts: 0, revocations: 0, notices: new Set() };
    return { model, real: { t, run, serial, start: await t.ledger.store.headPosition() } };
  }

  // Seeds a long run found that still fail, replayed only on request (FUZZ_KNOWN_FAILURES=1): each is reported.
  for (const known of KNOWN_FAILURES.filter((k) => k.store === _name)) {
    it.skipIf(process.env.FUZZ_KNOWN_FAILURES === undefined)(`known failure, seed ${known.seed} path ${known.path}: ${known.what}`, async () => {
      await fc.assert(
        fc.asyncProperty(commands, (cmds) => fc.asyncModelRun(setup, cmds)),
        { seed: known.seed, path: known.path, numRuns: 300, endOnFailure: true },
      );
    }, 120_000);
  }

  it(
    'repeats a retry, refuses a reused key, takes a fresh command, and the ledger holds what the model says',
    async () => {
      await fc.assert(
        fc.asyncProperty(commands, (cmds) => fc.asyncModelRun(setup, cmds)),
        parameters(bounded),
      );
    },
    timeoutFor(bounded, 1500),
  );
});
