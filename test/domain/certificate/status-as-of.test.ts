import { describe, expect, it } from 'vitest';
import { statusAsOf, type TimelineFact } from '../../../domain/certificate/status-as-of.js';

const issued: TimelineFact = {
  kind: 'issued',
  recordedAt: '2027-01-01T00:00:00.000Z',
  certificateType: 'signing',
  notAfter: '2031-06-15T14:59:59.000Z',
  issuerKeyId: 'c'.repeat(64),
  municipalityCode: '131016',
};
const held = (at: string): TimelineFact => ({ kind: 'held', recordedAt: at, placedAt: at });
const lifted = (at: string): TimelineFact => ({ kind: 'hold-lifted', recordedAt: at, liftedAt: at });
const at = (iso: string) => new Date(iso);
const statusOf = (facts: TimelineFact[], asOf: string, knownAt = '2030-01-01T00:00:00.000Z') => statusAsOf(facts, at(asOf), at(knownAt)).status;

describe('status as of an instant, with holds lifted (policy option)', () => {
  const facts = [issued, held('2027-02-01T00:00:00.000Z'), lifted('2027-02-10T00:00:00.000Z'), held('2027-03-01T00:00:00.000Z')];

  it('is on hold during each hold and good between them, whatever was recorded later', () => {
    expect(statusOf(facts, '2027-01-15T00:00:00.000Z')).toBe('good');
    expect(statusOf(facts, '2027-02-05T00:00:00.000Z')).toBe('on-hold');
    expect(statusOf(facts, '2027-02-20T00:00:00.000Z')).toBe('good');
    expect(statusOf(facts, '2027-03-02T00:00:00.000Z')).toBe('on-hold');
  });

  it('answers with what was known at knownAt: a lift not yet recorded leaves the hold in place', () => {
    expect(statusOf(facts, '2027-02-05T00:00:00.000Z', '2027-02-05T00:00:00.000Z')).toBe('on-hold');
    expect(statusOf(facts.slice(0, 2), '2027-02-20T00:00:00.000Z')).toBe('on-hold');
  });
});
