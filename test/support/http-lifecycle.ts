/**
 * The lifecycle over HTTP, as a municipal clerk and a prefectural operator drive it: submit, verify
 * identity, submit the resident's CSR, issue. For API tests that need real issued certificates.
 */
import { expect } from 'vitest';
import { residentCsr } from './resident-csr.js';
import { bearer, tokenFor, type TestApp } from './test-app.js';

export const OPERATOR = bearer(tokenFor({ role: 'prefectural-operator' }));
export const AUDITOR = bearer(tokenFor({ role: 'auditor', organisation: 'audit-office' }));
export const FEED = bearer(tokenFor({ role: 'registry-feed', organisation: 'juki-net' }));
export const clerkOf = (municipality: string) => bearer(tokenFor({ role: 'municipal-clerk', municipality }));

/** POSTs and expects success; returns the JSON reply. */
export async function postOk(t: TestApp, url: string, headers: Record<string, string>, payload?: object): Promise<Record<string, string>> {
  const res = await t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json() as Record<string, string>;
}

/** Issues a signing certificate to the resident through the four commands; returns its serial and PEM. */
export async function issueSigning(t: TestApp, municipality: string, residentRecordCode: string): Promise<{ serialNumber: string; certificatePem: string }> {
  const clerk = clerkOf(municipality);
  const applicant = { residentRecordCode, name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区' };
  const id = (await postOk(t, '/v1/applications', clerk, { certificateType: 'signing', municipalityCode: municipality, applicant })).applicationId;
  await postOk(t, `/v1/applications/${id}/identity-verification`, clerk, { result: 'verified', method: 'photo-id', documentType: 'passport' });
  await postOk(t, `/v1/applications/${id}/public-key`, clerk, { csr: await residentCsr() });
  const issued = await postOk(t, `/v1/applications/${id}/issuance`, OPERATOR);
  return { serialNumber: issued.serialNumber as string, certificatePem: issued.certificatePem as string };
}
