/** The hand-rolled date arithmetic agrees with Date over the whole range a CRL can say. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENERALIZED_TIME_BYTES, epochSeconds, timeLength, writeGeneralizedTime, writeInstant, writeTime } from '../../../../infrastructure/ca/crl/crl-time.js';
import { TAG } from '../../../../infrastructure/ca/der.js';

const instant = fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000));
/** Minutes east of UTC, within what ISO allows. */
const offset = fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 });

/** The instant as local time at `offsetMinutes`, written `YYYY-MM-DDTHH:MM:SS±HH:MM`: built with Date, independently of the code under test. */
function isoAt(date: Date, offsetMinutes: number): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const magnitude = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(magnitude / 60)).padStart(2, '0')}:${String(magnitude % 60).padStart(2, '0')}`;
}

function written(seconds: number, write: (out: Uint8Array, at: number, seconds: number) => number, length: number): { tag: number; text: string } {
  const out = new Uint8Array(length);
  expect(write(out, 0, seconds)).toBe(length);
  expect(out[1]).toBe(length - 2);
  return { tag: out[0]!, text: Buffer.from(out.subarray(2)).toString('latin1') };
}

describe('CRL times', () => {
  it('parse any offset to the epoch second Date gives, and write UTCTime through 2049, GeneralizedTime from 2050', () => {
    fc.assert(
      fc.property(instant, offset, fc.boolean(), (date, offsetMinutes, zeroFraction) => {
        const iso = isoAt(date, offsetMinutes).replace(/(:\d\d)([+-])/, zeroFraction ? '$1.000$2' : '$1$2');
        // A local wall clock before 1950 or after 9999 is not ISO we accept; skip those edges.
        fc.pre(/^\d{4}-/.test(iso) && Number(iso.slice(0, 4)) >= 1950);
        const seconds = epochSeconds(iso, 'at');
        expect(seconds).toBe(date.getTime() / 1000);
        const digits = date.toISOString().replace(/[-:T]|\.\d+/g, '');
        const time = written(seconds, writeTime, timeLength(seconds));
        expect(time).toEqual(date.getUTCFullYear() < 2050 ? { tag: TAG.utcTime, text: digits.slice(2) } : { tag: TAG.generalizedTime, text: digits });
        expect(written(seconds, writeGeneralizedTime, GENERALIZED_TIME_BYTES)).toEqual({ tag: TAG.generalizedTime, text: digits });
      }),
      { numRuns: 2000 },
    );
  });

  it('write an ISO instant, Z or with an offset, exactly as its epoch second is written', () => {
    fc.assert(
      fc.property(instant, fc.oneof(fc.constant(0), offset), fc.boolean(), fc.boolean(), (date, offsetMinutes, zulu, zeroFraction) => {
        const local = isoAt(date, offsetMinutes);
        const zoned = zulu && offsetMinutes === 0 ? local.replace(/\+00:00$/, 'Z') : local;
        const iso = zeroFraction ? zoned.replace(/(:\d\d)([+Z-])/, '$1.000$2') : zoned;
        fc.pre(/^\d{4}-/.test(iso) && Number(iso.slice(0, 4)) >= 1950);
        const seconds = date.getTime() / 1000;
        for (const generalized of [false, true]) {
          const expected = new Uint8Array(GENERALIZED_TIME_BYTES);
          const expectedEnd = generalized ? writeGeneralizedTime(expected, 0, seconds) : writeTime(expected, 0, seconds);
          const out = new Uint8Array(GENERALIZED_TIME_BYTES + 1);
          expect(writeInstant(out, 1, iso, 'at', generalized), iso).toBe(expectedEnd + 1);
          expect(Buffer.from(out.subarray(1, expectedEnd + 1)).toString('latin1'), iso).toBe(Buffer.from(expected.subarray(0, expectedEnd)).toString('latin1'));
        }
      }),
      { numRuns: 3000 },
    );
    expect(() => writeInstant(new Uint8Array(20), 0, '2026-02-30T00:00:00Z', 'revocationDate', false)).toThrow(/revocationDate must be an ISO instant/);
  });

  it('accept Z and a zero fraction, and refuse what Date would quietly move on or round', () => {
    expect(epochSeconds('2026-01-01T00:00:00Z', 'at')).toBe(Date.parse('2026-01-01T00:00:00Z') / 1000);
    expect(epochSeconds('2026-01-01T09:00:00.000+09:00', 'at')).toBe(Date.parse('2026-01-01T00:00:00Z') / 1000);
    expect(epochSeconds('2024-02-29T23:59:59-00:30', 'at')).toBe(Date.parse('2024-03-01T00:29:59Z') / 1000);
    for (const bad of ['2025-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:60:00Z', '2026-01-01T00:00:60Z', '2026-01-01 00:00:00Z', '2026-01-01T00:00:00.Z', '2026-01-01T00:00:00+9:00', '2026-01-01T00:00:00+24:00', '2026-01-01T00:00:00Zjunk', '+02026-01-01T00:00:00Z', '']) {
      expect(() => epochSeconds(bad, 'at'), bad).toThrow(/at must be an ISO instant/);
    }
    expect(() => epochSeconds('2026-01-01T00:00:00.100Z', 'at')).toThrow(/at must be whole seconds/);
    expect(() => epochSeconds('1950-01-01T08:59:59+09:00', 'at')).toThrow(/at falls outside 1950–9999 once in UTC/);
  });
});
