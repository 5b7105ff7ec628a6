/**
 * Every problem names fields the same way: `body.…`, `query.…`, `params.…` — the 400s of request
 * validation and the 422s of the rules alike.
 */
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { reply } from '../../api/routes/results.js';
import { policyViolation } from '../../domain/shared/errors.js';
import { OPERATOR, clerkOf, postOk } from '../support/http-lifecycle.js';
import { residentCsr } from '../support/resident-csr.js';
import { testApp, type TestApp } from '../support/test-app.js';

const CLERK = clerkOf('131016');
let residentCode = 95000000000;
const applicant = (overrides: Record<string, unknown> = {}) => {
  residentCode += 1;
  return { residentRecordCode: String(residentCode), name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区', ...overrides };
};

describe('field names in problems', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({
      extend: (app) => {
        app.get(
          '/test/refused/:what',
          { config: { access: 'public' }, schema: { params: z.object({ what: z.string() }), querystring: z.object({ minPosition: z.string().optional() }) } },
          async (request, res) => reply(res, E.left(policyViolation('test-refusal', 'Refused.', (request.params as { what: string }).what)), () => ({})),
        );
      },
    });
  });
  afterAll(() => t.close());

  it('names a rule’s body field with body.', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: CLERK, payload: { certificateType: 'signing', municipalityCode: '131016', applicant: applicant({ dateOfBirth: '2015-01-01' }) } });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([{ field: 'body.applicant.dateOfBirth', message: expect.any(String) }]);
  });

  it('names the CSR of a refused key body.csr', async () => {
    const csr = await residentCsr();
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const id = (await postOk(t, '/v1/applications', CLERK, { certificateType: 'signing', municipalityCode: '131016', applicant: applicant() })).applicationId as string;
      await postOk(t, `/v1/applications/${id}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'passport' });
      ids.push(id);
    }
    await postOk(t, `/v1/applications/${ids[0]}/public-key`, CLERK, { csr });
    const res = await t.app.inject({ method: 'POST', url: `/v1/applications/${ids[1]}/public-key`, headers: CLERK, payload: { csr } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ rule: 'duplicate-public-key', errors: [{ field: 'body.csr' }] });
  });

  it('names a rule’s query and path fields with query. and params.', async () => {
    const query = await t.app.inject({ method: 'GET', url: '/test/refused/minPosition' });
    expect(query.statusCode).toBe(422);
    expect(query.json().errors).toEqual([{ field: 'query.minPosition', message: 'Refused.' }]);
    const path = await t.app.inject({ method: 'GET', url: '/test/refused/what' });
    expect(path.json().errors).toEqual([{ field: 'params.what', message: 'Refused.' }]);
  });

  it('names an invalid path parameter params., not path.', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/applications/not-an-id', headers: OPERATOR });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'params.id', message: expect.any(String) }]);
  });
});
