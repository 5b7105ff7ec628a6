/**
 * A realistic event body (~400 bytes of JSON): what an issuance records, with the personal part
 * kept in one sub-object.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export function realisticData(i: number): Record<string, unknown> {
  return {
    applicationId: randomUUID(),
    serialNumber: randomBytes(9).toString('hex').toUpperCase(),
    certificateType: i % 2 === 0 ? 'signing' : 'user-authentication',
    municipalityCode: String(131016 + (i % 50)),
    holderRef: randomBytes(32).toString('hex'),
    notBefore: '2026-11-24T15:00:00.000Z',
    notAfter: '2031-06-14T14:59:59.000Z',
    personal: { name: '山田　太郎', dateOfBirth: '1990-06-15', sex: 'male', address: '東京都千代田区千代田一丁目１番１号' },
  };
}
