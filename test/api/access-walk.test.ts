/**
 * Every route, walked: each response that discloses a holder's personal information (a name, date of
 * birth, address or resident record code — in JSON, or inside a certificate it returns) leaves exactly
 * one access record for its caller and request, and no other response leaves one. The route list is
 * read from the app itself, so a route added without a place in this walk fails the test.
 * (HEAD runs a GET's handler and drops the body: it records like its GET; not walked.)
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../support/event-store-contract.js';
import { openssl, workDir } from '../support/openssl.js';
import { residentCsr } from '../support/resident-csr.js';
import { tokenFor, testApp, type TestApp } from '../support/test-app.js';
import { routesOf as routeTree } from '../support/route-tree.js';

const CHIYODA = '131016';
const NAME = '渡辺 花子';
const ADDRESS = '東京都千代田区永田町２－２';
const CODE = '96000000001';
const BIRTH = '1975-11-03';

const as = (role: string, sub: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${tokenFor({ role, sub, organisation: `${role}-org`, ...extra } as never)}`, sub });
const CLERK = as('municipal-clerk', 'walk-clerk', { municipality: CHIYODA });
const OPERATOR = as('prefectural-operator', 'walk-operator');
const AUDITOR = as('auditor', 'walk-auditor');
const COUNCIL = as('privacy-council', 'walk-council');
const FEED = as('registry-feed', 'walk-feed');
const PUBLIC = { sub: '' };

/** Routes as `METHOD path`, from fastify's own route tree. */
function routesOf(tree: string): string[] {
  return routeTree(tree).map(({ method, url }) => `${method} ${url}`);
}

/** Whether a reply shows personal information: in its text, or inside a PEM certificate it carries. */
function disclosesPersonalInformation(body: string): boolean {
  if ([NAME, '渡辺', '永田町', CODE, BIRTH].some((item) => body.includes(item))) return true;
  for (const pem of body.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []) {
    const der = new X509Certificate(pem.replaceAll('\\n', '\n')).raw;
    // The certificate carries the name as registered (the space may be normalised): look for the family name and the town.
    if (der.includes(Buffer.from('渡辺', 'utf8')) || der.includes(Buffer.from('永田町', 'utf8'))) return true;
  }
  return false;
}

interface Step {
  readonly route: string;
  readonly method: 'GET' | 'POST';
  readonly url: () => string;
  readonly as: { readonly sub: string; readonly authorization?: string };
  readonly body?: () => unknown;
  readonly contentType?: string;
}

describe('every response that discloses personal information leaves exactly one access record', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await testApp({ env: { LEDGER_HOLD_LIFTING: 'on' } });
  });
  afterAll(() => t.close());

  const applicant = { residentRecordCode: CODE, name: NAME, nameKana: 'ワタナベ ハナコ', dateOfBirth: BIRTH, sex: 'female', address: ADDRESS };
  const items = { name: NAME, dateOfBirth: BIRTH, sex: 'female', address: ADDRESS };
  const steps: Step[] = [
    { route: 'GET /health', method: 'GET', url: () => '/health', as: PUBLIC },
    { route: 'GET /v1/ca/:type/certificate', method: 'GET', url: () => '/v1/ca/signing/certificate', as: PUBLIC },
    { route: 'POST /v1/applications', method: 'POST', url: () => '/v1/applications', as: CLERK, body: () => ({ certificateType: 'signing', municipalityCode: CHIYODA, applicant }) },
    { route: 'GET /v1/applications/:id', method: 'GET', url: () => `/v1/applications/${ids.application}`, as: CLERK },
    { route: 'POST /v1/applications/:id/identity-verification', method: 'POST', url: () => `/v1/applications/${ids.application}/identity-verification`, as: CLERK, body: () => ({ result: 'verified', method: 'photo-id', documentType: 'passport' }) },
    { route: 'POST /v1/applications/:id/public-key', method: 'POST', url: () => `/v1/applications/${ids.application}/public-key`, as: CLERK, body: () => ({ csr: ids.csr }) },
    { route: 'POST /v1/applications/:id/issuance', method: 'POST', url: () => `/v1/applications/${ids.application}/issuance`, as: OPERATOR },
    { route: 'GET /v1/certificates/:serial', method: 'GET', url: () => `/v1/certificates/${ids.serial}`, as: OPERATOR },
    { route: 'GET /v1/certificates/:serial/status', method: 'GET', url: () => `/v1/certificates/${ids.serial}/status`, as: OPERATOR },
    { route: 'POST /v1/certificates/:serial/delivery', method: 'POST', url: () => `/v1/certificates/${ids.serial}/delivery`, as: CLERK },
    { route: 'POST /v1/certificates/:serial/hold', method: 'POST', url: () => `/v1/certificates/${ids.serial}/hold`, as: OPERATOR, body: () => ({ reportedBy: 'holder' }) },
    { route: 'POST /v1/certificates/:serial/hold/lift', method: 'POST', url: () => `/v1/certificates/${ids.serial}/hold/lift`, as: CLERK, body: () => ({ cause: 'card-found' }) },
    { route: 'POST /v1/certificates/:serial/revocation', method: 'POST', url: () => `/v1/certificates/${ids.serial}/revocation`, as: OPERATOR, body: () => ({ reason: 'keyCompromise', legalGround: 'key-compromise' }) },
    { route: 'POST /v1/applications/:id/withdrawal', method: 'POST', url: () => `/v1/applications/${ids.second}/withdrawal`, as: CLERK, body: () => ({ reason: 'moved away' }) },
    { route: 'POST /v1/applications/:id/rejection', method: 'POST', url: () => `/v1/applications/${ids.third}/rejection`, as: CLERK, body: () => ({ reason: 'documents incomplete' }) },
    { route: 'GET /v1/crl/:type', method: 'GET', url: () => '/v1/crl/signing', as: PUBLIC },
    { route: 'GET /v1/crl/:type/:partition', method: 'GET', url: () => `/v1/crl/signing/${CHIYODA}`, as: PUBLIC },
    { route: 'POST /v1/ocsp/:type', method: 'POST', url: () => '/v1/ocsp/signing', as: PUBLIC, body: () => Buffer.from(ids.ocspRequest ?? '', 'base64'), contentType: 'application/ocsp-request' },
    { route: 'GET /v1/ocsp/:type/*', method: 'GET', url: () => `/v1/ocsp/signing/${encodeURIComponent(ids.ocspRequest ?? '')}`, as: PUBLIC },
    { route: 'POST /v1/registry-changes', method: 'POST', url: () => '/v1/registry-changes', as: FEED, body: () => notice('W-1') },
    { route: 'POST /v1/registry-changes/batch', method: 'POST', url: () => '/v1/registry-changes/batch', as: FEED, body: () => [notice('W-2')] },
    { route: 'GET /v1/registry-changes/:noticeId', method: 'GET', url: () => '/v1/registry-changes/W-1', as: OPERATOR },
    { route: 'GET /v1/registry-changes', method: 'GET', url: () => '/v1/registry-changes?status=discrepancy', as: OPERATOR },
    { route: 'POST /v1/audit/checkpoints', method: 'POST', url: () => '/v1/audit/checkpoints', as: AUDITOR },
    { route: 'GET /v1/audit/checkpoints/latest', method: 'GET', url: () => '/v1/audit/checkpoints/latest', as: AUDITOR },
    { route: 'GET /v1/audit/proofs/inclusion', method: 'GET', url: () => '/v1/audit/proofs/inclusion?position=1&treeSize=2', as: AUDITOR },
    { route: 'GET /v1/audit/proofs/consistency', method: 'GET', url: () => '/v1/audit/proofs/consistency?from=1&to=2', as: AUDITOR },
    { route: 'GET /v1/audit/access-report', method: 'GET', url: () => `/v1/audit/access-report?from=${new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10)}&to=${new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)}`, as: COUNCIL },
    { route: 'GET /v1/audit/disclosures', method: 'GET', url: () => `/v1/audit/disclosures?residentRecordCode=${CODE}`, as: AUDITOR },
  ];
  const notice = (noticeId: string) => ({ noticeId, residentRecordCode: CODE, municipalityCode: CHIYODA, kind: 'address', before: items, after: { ...items, address: '大阪府大阪市北区１' }, minor: false, effectiveDate: '2026-11-20' });

  it('covers every route the app serves', () => {
    const served = routesOf(t.app.printRoutes({ commonPrefix: false }))
      .filter((r) => !r.startsWith('HEAD '))
      .sort();
    expect(served.length).toBeGreaterThan(25);
    expect(steps.map((s) => s.route).sort(), 'a route with no step in this walk: decide whether it discloses and add it').toEqual(served);
  });

  it('records one access exactly for the replies that disclose, for that caller and request', async () => {
    ids.csr = await residentCsr();
    for (const kind of ['second', 'third']) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: { authorization: CLERK.authorization }, payload: { certificateType: 'user-authentication', municipalityCode: CHIYODA, applicant: { ...applicant, residentRecordCode: kind === 'second' ? '96000000002' : '96000000003' } } });
      ids[kind] = res.json().applicationId;
    }
    const disclosing: string[] = [];
    for (const [n, step] of steps.entries()) {
      if (step.route === 'GET /v1/crl/:type') {
        await t.ledger.readModels.runner.waitFor(await t.store.headPosition(), 5000);
        await t.ledger.crls.publish();
      }
      if (step.route === 'POST /v1/ocsp/:type') ids.ocspRequest = await ocspRequestFor(t, ids.certificatePem ?? '');
      const correlationId = `walk-${n}`;
      const res = await t.app.inject({
        method: step.method,
        url: step.url(),
        headers: {
          'x-correlation-id': correlationId,
          ...(step.as.authorization === undefined ? {} : { authorization: step.as.authorization }),
          ...(step.contentType === undefined ? {} : { 'content-type': step.contentType }),
        },
        ...(step.body === undefined ? {} : { payload: step.body() as never }),
      });
      expect(res.statusCode, `${step.route}: ${res.body}`).toBeLessThan(300);
      if (step.route === 'POST /v1/applications') ids.application = res.json().applicationId;
      if (step.route === 'POST /v1/applications/:id/issuance') [ids.serial, ids.certificatePem] = [res.json().serialNumber, res.json().certificatePem];
      const records = (await collect(t.store.readAll())).filter(
        (e) => e.type === 'PersonalInformationAccessed' && e.metadata.correlationId === correlationId && e.metadata.actor.id === step.as.sub,
      );
      const discloses = disclosesPersonalInformation(res.body);
      if (discloses) disclosing.push(step.route);
      expect(records.length, `${step.route}: ${discloses ? 'discloses' : 'discloses nothing'} and left ${records.length} access record(s)`).toBe(discloses ? 1 : 0);
    }
    expect(disclosing).toEqual([
      'GET /v1/applications/:id',
      'POST /v1/applications/:id/issuance',
      'GET /v1/certificates/:serial',
      'GET /v1/registry-changes/:noticeId',
      'GET /v1/audit/disclosures',
    ]);
  }, 60_000);

  it('offers HEAD on every GET but those that disclose, where a HEAD would record an access and show nothing', async () => {
    const disclosingGets = ['GET /v1/applications/:id', 'GET /v1/certificates/:serial', 'GET /v1/registry-changes/:noticeId', 'GET /v1/audit/disclosures'];
    const served = routesOf(t.app.printRoutes({ commonPrefix: false }));
    const heads = served.filter((r) => r.startsWith('HEAD ')).map((r) => r.replace('HEAD ', 'GET '));
    expect(heads.sort()).toEqual(served.filter((r) => r.startsWith('GET ') && !disclosingGets.includes(r)).sort());
    for (const step of steps.filter((s) => disclosingGets.includes(s.route))) {
      const correlationId = `head-${step.route}`;
      const res = await t.app.inject({ method: 'HEAD', url: step.url(), headers: { 'x-correlation-id': correlationId, ...(step.as.authorization === undefined ? {} : { authorization: step.as.authorization }) } });
      expect(res.statusCode, step.route).toBe(404);
      const records = (await collect(t.store.readAll())).filter((e) => e.type === 'PersonalInformationAccessed' && e.metadata.correlationId === correlationId);
      expect(records, step.route).toEqual([]);
    }
  });
});

/** An OCSP request for the issued certificate, made by openssl. */
async function ocspRequestFor(t: TestApp, certificatePem: string): Promise<string> {
  const dir = workDir();
  try {
    const root = dir.write('root.pem', (await t.app.inject({ method: 'GET', url: '/v1/ca/signing/certificate' })).body);
    const cert = dir.write('cert.pem', certificatePem);
    const request = `${dir.path}/request.der`;
    openssl(['ocsp', '-issuer', root, '-cert', cert, '-no_nonce', '-reqout', request]);
    return readFileSync(request).toString('base64');
  } finally {
    dir.remove();
  }
}
