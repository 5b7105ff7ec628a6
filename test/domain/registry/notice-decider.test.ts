import { describe, expect, it } from 'vitest';
import { noticeDecider } from '../../../domain/registry/decide.js';
import type { RegistryChangeEvent, RegistryChangeReceivedData } from '../../../domain/registry/events.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(noticeDecider);
const now = new Date('2027-01-10T01:00:00.000Z');
const items = { name: '山田 太郎', dateOfBirth: '1990-06-15', sex: 'male' as const, address: '東京都千代田区' };
const notice: RegistryChangeReceivedData = {
  noticeId: 'N-1',
  holderRef: 'a'.repeat(64),
  municipalityCode: '131016',
  kind: 'address',
  minor: false,
  effectiveDate: '2027-01-09',
  receivedAt: now.toISOString(),
  personal: { residentRecordCode: '12345678901', before: items, after: { ...items, address: '大阪府' } },
};
const received: RegistryChangeEvent = { type: 'RegistryChangeReceived', data: notice };
const processed = { noticeId: 'N-1', rule: 'four-item-change', matched: true, certificates: [{ serialNumber: '0A', certificateType: 'signing' as const, outcome: 'revoked' as const }], processedAt: now.toISOString() };
const reply = { noticeId: 'N-1', status: 'revoked' as const, revoked: ['0A'], flagged: [], repliedAt: now.toISOString() };

describe('a notice’s record', () => {
  it('is received once; the same copy again changes nothing', () => {
    spec.given([]).when({ type: 'ReceiveNotice', notice }).then([received]);
    spec.given([received]).when({ type: 'ReceiveNotice', notice: { ...notice, receivedAt: '2027-01-11T00:00:00.000Z' } }).then([]);
  });
  it('refuses a different copy under the same id, naming what differs', () => {
    const error = spec
      .given([received])
      .when({ type: 'ReceiveNotice', notice: { ...notice, kind: 'name', personal: { ...notice.personal, after: { ...items, name: '山田 次郎' } } } })
      .thenFails('InvalidTransition', 'notice-differs');
    expect(error).toMatchObject({ conflictsWith: { fields: ['kind', 'after'] } });
  });
  it('records its outcome and reply once', () => {
    spec.given([received]).when({ type: 'RecordOutcome', processed, reply }).then([
      { type: 'RegistryChangeProcessed', data: processed },
      { type: 'RegistryChangeReplied', data: reply },
    ]);
    spec.given([received, { type: 'RegistryChangeProcessed', data: processed }, { type: 'RegistryChangeReplied', data: reply }]).when({ type: 'RecordOutcome', processed, reply }).then([]);
  });
  it('flags a stale issuance once per certificate', () => {
    const flagged: RegistryChangeEvent = { type: 'RegistryDiscrepancyFlagged', data: { noticeId: 'N-1', serialNumber: '0C', reason: 'issued-with-stale-data', flaggedAt: now.toISOString() } };
    spec.given([received]).when({ type: 'FlagStaleIssuance', serialNumber: '0C', now }).then([flagged]);
    spec.given([received, flagged]).when({ type: 'FlagStaleIssuance', serialNumber: '0C', now }).then([]);
  });
});
