/**
 * The provable log over HTTP: checkpoints sealed on demand and signed (checked with openssl), and
 * inclusion and consistency proofs that an auditor verifies with nothing but the RFC 9162 algorithms
 * and the signed roots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafHash, verifyConsistency, verifyInclusion } from '../../infrastructure/audit/merkle.js';
import { collect } from '../support/event-store-contract.js';
import { openssl, workDir } from '../support/openssl.js';
import { residentCsr } from '../support/resident-csr.js';
import { bearer, testApp, tokenFor, type TestApp } from '../support/test-app.js';

const CLERK = bearer(tokenFor({ role: 'municipal-clerk', municipality: '131016' }));
const OPERATOR = bearer(tokenFor({ role: 'prefectural-operator' }));
const AUDITOR = bearer(tokenFor({ role: 'auditor', organisation: 'audit-office' }));

const unhex = (s: string): Buffer => Buffer.from(s, 'hex');

describe('the provable log', () => {
  let t: TestApp;
  let code = 70000000000;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  const post = (url: string, headers: Record<string, string>, payload?: object) => t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
  const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });

  async function issueOne(): Promise<string> {
    code += 1;
    const applicant = { residentRecordCode: String(code), name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1980-06-15', sex: 'male', address: '東京都千代田区千代田１－１' };
    const id = (await post('/v1/applications', CLERK, { certificateType: 'signing', municipalityCode: '131016', applicant })).json().applicationId as string;
    await post(`/v1/applications/${id}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'passport' });
    await post(`/v1/applications/${id}/public-key`, CLERK, { csr: await residentCsr() });
    const issued = await post(`/v1/applications/${id}/issuance`, OPERATOR);
    expect(issued.statusCode, issued.body).toBe(201);
    return issued.json().serialNumber as string;
  }

  it('has no checkpoint before one is sealed, and only auditors read them', async () => {
    const none = await get('/v1/audit/checkpoints/latest', AUDITOR);
    expect(none.statusCode).toBe(404);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(none.json().type).toBe('urn:jpki-ledger:problem:no-checkpoint');
    expect((await get('/v1/audit/checkpoints/latest', CLERK)).statusCode).toBe(403);
    expect((await post('/v1/audit/checkpoints', CLERK)).statusCode).toBe(403);
  });

  it('seals a signed checkpoint over every event recorded, which openssl verifies with the published key', async () => {
    await issueOne();
    const head = await t.store.headPosition();
    const sealed = await post('/v1/audit/checkpoints', AUDITOR);
    expect(sealed.statusCode, sealed.body).toBe(201);
    const checkpoint = sealed.json();
    const events = await collect(t.store.readAll());
    const covered = events.filter((e) => e.position <= head);
    expect(checkpoint.treeSize).toBe(covered.length);
    expect(checkpoint.lastPosition).toBe(head.toString());
    expect(JSON.parse(checkpoint.statement)).toEqual({ log: 'jpki-ledger', treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, lastPosition: checkpoint.lastPosition, sealedAt: checkpoint.sealedAt });

    const latest = (await get('/v1/audit/checkpoints/latest', AUDITOR)).json();
    expect(latest).toEqual(checkpoint);
    // The checkpoint is an event of the log itself, on log-checkpoints.
    const recorded = (await collect(t.store.readStream('log-checkpoints'))).map((e) => e.data);
    expect(recorded.at(-1)).toMatchObject({ treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, signature: checkpoint.signature });

    const dir = workDir();
    try {
      const key = dir.write('key.pem', checkpoint.publicKey);
      const statement = dir.write('statement.json', checkpoint.statement);
      const signature = dir.write('signature.bin', Buffer.from(checkpoint.signature, 'base64'));
      const verified = openssl(['dgst', '-sha256', '-verify', key, '-signature', signature, statement]);
      expect(verified.stdout.trim(), verified.stderr).toBe('Verified OK');
      const altered = dir.write('altered.json', checkpoint.statement.replace(`"treeSize":${checkpoint.treeSize}`, `"treeSize":${checkpoint.treeSize - 1}`));
      expect(openssl(['dgst', '-sha256', '-verify', key, '-signature', signature, altered]).stdout).toContain('Verification failure');
    } finally {
      dir.remove();
    }
  });

  it('seals nothing new when nothing but the last checkpoint was recorded since', async () => {
    const first = (await get('/v1/audit/checkpoints/latest', AUDITOR)).json();
    const again = await post('/v1/audit/checkpoints', OPERATOR);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first);
  });

  it('proves an issuance is in the signed tree, and the later tree extends the earlier one', async () => {
    const first = (await get('/v1/audit/checkpoints/latest', AUDITOR)).json();
    const serial = await issueOne();
    const second = (await post('/v1/audit/checkpoints', AUDITOR)).json();
    expect(second.treeSize).toBeGreaterThan(first.treeSize);

    const issued = (await collect(t.store.readStream(`certificate-${serial}`)))[0];
    if (issued === undefined) throw new Error('no issuance event');
    const inclusion = await get(`/v1/audit/proofs/inclusion?position=${issued.position}&treeSize=${second.treeSize}`, AUDITOR);
    expect(inclusion.statusCode, inclusion.body).toBe(200);
    const proof = inclusion.json();
    expect(proof.eventHash).toBe(issued.metadata.hash);
    expect(proof.rootHash).toBe(second.rootHash);
    expect(verifyInclusion(leafHash(unhex(issued.metadata.hash)), proof.leafIndex, second.treeSize, proof.proof.map(unhex), unhex(second.rootHash))).toBe(true);
    // The same proof does not hold for an altered event.
    const altered = unhex(issued.metadata.hash);
    altered[0] = (altered[0] ?? 0) ^ 1;
    expect(verifyInclusion(leafHash(altered), proof.leafIndex, second.treeSize, proof.proof.map(unhex), unhex(second.rootHash))).toBe(false);

    const consistency = await get(`/v1/audit/proofs/consistency?from=${first.treeSize}&to=${second.treeSize}`, AUDITOR);
    expect(consistency.statusCode, consistency.body).toBe(200);
    const c = consistency.json();
    expect([c.fromRootHash, c.toRootHash]).toEqual([first.rootHash, second.rootHash]);
    expect(verifyConsistency(first.treeSize, second.treeSize, unhex(first.rootHash), unhex(second.rootHash), c.proof.map(unhex))).toBe(true);
  });

  it('refuses bad or premature questions with a problem naming the field', async () => {
    const latest = (await get('/v1/audit/checkpoints/latest', AUDITOR)).json();
    await t.ledger.readModels.runner.waitFor(await t.store.headPosition(), 5000);
    const zero = await get('/v1/audit/proofs/inclusion?position=1&treeSize=0', AUDITOR);
    expect(zero.statusCode).toBe(400);
    expect(zero.json().errors[0].field).toBe('query.treeSize');
    const noPosition = await get('/v1/audit/proofs/inclusion?treeSize=3', AUDITOR);
    expect(noPosition.statusCode).toBe(400);
    expect(noPosition.json().errors[0].field).toBe('query.position');

    const beyond = await get(`/v1/audit/proofs/consistency?from=1&to=${latest.treeSize + 1000}`, AUDITOR);
    expect(beyond.statusCode).toBe(503);
    expect(beyond.json().type).toBe('urn:jpki-ledger:problem:not-yet-consistent');
    const backwards = await get('/v1/audit/proofs/consistency?from=5&to=3', AUDITOR);
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json().errors[0].field).toBe('query.from');
    const after = await get(`/v1/audit/proofs/inclusion?position=${latest.position}&treeSize=2`, AUDITOR);
    expect(after.statusCode).toBe(422);
    expect(after.json().type).toBe('urn:jpki-ledger:problem:not-in-tree');
    // Beyond the log as folded so far: not yet (503), rather than "no such event".
    expect((await get('/v1/audit/proofs/inclusion?position=99999999&treeSize=2', AUDITOR)).statusCode).toBe(503);
  });
});
