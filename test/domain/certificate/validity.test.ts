import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { certificateValidity, renewalAllowed } from '../../../domain/certificate/validity.js';

const JST = 9 * 3600_000;
/** The JST wall clock of an instant, as an ISO string without zone: computed independently of the code under test. */
const jstClock = (d: Date) => new Date(d.getTime() + JST).toISOString().slice(0, 19);
const isLeap = (y: number) => new Date(Date.UTC(y, 1, 29)).getUTCMonth() === 1;

const dateOfBirth = fc
  .date({ min: new Date('1910-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => ({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }));
const issuedAt = fc.date({ min: new Date('2016-01-01T00:00:00Z'), max: new Date('2060-12-31T23:59:59Z'), noInvalidDate: true });

/** Birthdays (29 Feb → 28 Feb in common years) strictly after the JST issue day, up to and including `until`. */
function birthdaysBetween(dob: { year: number; month: number; day: number }, issueDay: string, until: string): string[] {
  const out: string[] = [];
  for (let y = Number(issueDay.slice(0, 4)); y <= Number(until.slice(0, 4)); y++) {
    const day = dob.month === 2 && dob.day === 29 && !isLeap(y) ? 28 : dob.day;
    const iso = `${y}-${String(dob.month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    if (iso > issueDay && iso <= until) out.push(iso);
  }
  return out;
}

describe('certificate validity (5th birthday rule)', () => {
  it('runs from 00:00:00 JST on the issue day to 23:59:59 JST on the 5th birthday after it (6th for a renewal)', () => {
    fc.assert(
      fc.property(dateOfBirth, issuedAt, fc.boolean(), (dob, at, renewal) => {
        const { notBefore, notAfter } = certificateValidity({ issuedAt: at, dateOfBirth: dob, renewal, rule: 'fifth-birthday' });
        const issueDay = jstClock(at).slice(0, 10);
        expect(jstClock(notBefore)).toBe(`${issueDay}T00:00:00`);
        expect(notBefore.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(jstClock(notAfter).slice(10)).toBe('T23:59:59');
        const lastDay = jstClock(notAfter).slice(0, 10);
        const birthdays = birthdaysBetween(dob, issueDay, lastDay);
        expect(birthdays).toHaveLength(renewal ? 6 : 5);
        expect(birthdays.at(-1)).toBe(lastDay);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    // issued on the birthday itself: that birthday does not count
    ['1990-06-15', '2026-06-15T03:00:00Z', false, '2026-06-15T00:00:00', '2031-06-15T23:59:59'],
    // 29 February: a common year's 28 February
    ['2000-02-29', '2026-11-25T01:00:00Z', false, '2026-11-25T00:00:00', '2031-02-28T23:59:59'],
    ['2000-02-29', '2026-11-25T01:00:00Z', true, '2026-11-25T00:00:00', '2032-02-29T23:59:59'],
    // 20:00 UTC on 31 December is 1 January in Japan: issued on the birthday, which does not count
    ['1985-01-01', '2026-12-31T20:00:00Z', false, '2027-01-01T00:00:00', '2032-01-01T23:59:59'],
  ])('born %s, issued %s (renewal %s): %s → %s JST', (dob, at, renewal, from, to) => {
    const [year, month, day] = dob.split('-').map(Number) as [number, number, number];
    const v = certificateValidity({ issuedAt: new Date(at), dateOfBirth: { year, month, day }, renewal, rule: 'fifth-birthday' });
    expect(jstClock(v.notBefore)).toBe(from);
    expect(jstClock(v.notAfter)).toBe(to);
  });
});

describe('certificate validity (three-year alternative)', () => {
  it('ends at 23:59:59 JST on the third anniversary of the issue day', () => {
    const v = certificateValidity({ issuedAt: new Date('2028-02-29T05:00:00Z'), dateOfBirth: { year: 1970, month: 1, day: 1 }, renewal: false, rule: 'three-years' });
    expect(jstClock(v.notBefore)).toBe('2028-02-29T00:00:00');
    expect(jstClock(v.notAfter)).toBe('2031-02-28T23:59:59');
  });
});

describe('renewal window', () => {
  const notAfter = new Date('2031-06-15T14:59:59Z'); // 23:59:59 JST on 15 June 2031
  it.each([
    ['2031-03-14T14:59:59Z', false], // 23:59:59 JST on 14 March: a day early
    ['2031-03-14T15:00:00Z', true], // 00:00 JST on 15 March: three months before
    ['2031-06-15T14:59:59Z', true], // the last second
    ['2031-06-15T15:00:00Z', false], // expired: apply afresh
  ])('at %s: %s', (now, allowed) => {
    expect(renewalAllowed(new Date(now), notAfter)).toBe(allowed);
  });
});
