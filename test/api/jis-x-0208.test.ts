/**
 * Names and addresses with JIS X 0208 characters that the WHATWG EUC-JP index maps elsewhere
 * (U+2212 MINUS SIGN, U+301C WAVE DASH) are certified as they are; a refusal names each character
 * outside the set by position and code point, never the text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR, clerkOf, postOk } from '../support/http-lifecycle.js';
import { asn1parse, workDir } from '../support/openssl.js';
import { residentCsr } from '../support/resident-csr.js';
import { testApp, type TestApp } from '../support/test-app.js';

const CLERK = clerkOf('131016');
let residentCode = 90000000000;

describe('JIS X 0208 as JIS0208.TXT has it', () => {
  let t: TestApp;
  const dir = workDir();
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  const applicant = (name: string, address: string) => {
    residentCode += 1;
    return { residentRecordCode: String(residentCode), name, nameKana: 'ヤマダ タロウ', dateOfBirth: '1990-06-15', sex: 'male', address };
  };

  /** The UTF8Strings of the issued certificate's SAN, as openssl reads them. */
  function sanStrings(certificatePem: string): string[] {
    const leaf = dir.write(`leaf-${residentCode}.pem`, certificatePem);
    const outer = asn1parse(['-in', leaf]);
    const octets = outer[outer.findIndex((e) => e.value === 'X509v3 Subject Alternative Name') + 1];
    return asn1parse(['-in', leaf, '-strparse', String(octets?.offset)]).filter((e) => e.type === 'UTF8STRING').map((e) => e.value);
  }

  it('issues a signing certificate to an address with U+2212 and a name and address with U+301C, without alternatives', async () => {
    const body = { certificateType: 'signing', municipalityCode: '131016', applicant: applicant('山田〜太郎', '東京都千代田区千代田１−１〜３') };
    const id = (await postOk(t, '/v1/applications', CLERK, body)).applicationId as string;
    await postOk(t, `/v1/applications/${id}/identity-verification`, CLERK, { result: 'verified', method: 'photo-id', documentType: 'passport' });
    await postOk(t, `/v1/applications/${id}/public-key`, CLERK, { csr: await residentCsr() });
    const issued = await t.app.inject({ method: 'POST', url: `/v1/applications/${id}/issuance`, headers: OPERATOR });
    expect(issued.statusCode, issued.body).toBe(201);
    const san = sanStrings(issued.json().certificatePem as string);
    expect(san).toContain('山田〜太郎');
    expect(san).toContain('東京都千代田区千代田１−１〜３');
    expect(san).toContain('00000');
    expect(san).toContain('0'.repeat([...'東京都千代田区千代田１−１〜３'].length));
  });

  it('refuses an address outside JIS X 0208 naming each character’s position and code point, not the text', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: CLERK,
      payload: { certificateType: 'signing', municipalityCode: '131016', applicant: applicant('山田 太郎', '東京都①丁目髙') },
    });
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json();
    expect(body).toMatchObject({ type: 'urn:jpki-ledger:problem:substitution-missing' });
    expect(body.detail).toContain('U+2460 at position 4');
    expect(body.detail).toContain('U+9AD9 at position 7');
    expect(body.errors[0].field).toBe('body.applicant.alternativeCharacters.address');
    expect(res.body).not.toMatch(/[①髙]|東京都/u);
  });
});
