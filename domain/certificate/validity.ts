/**
 * How long a certificate is valid (domain page, "Validity"):
 * - notBefore is 00:00:00 JST on the day of issue (the JST calendar day of the issuing instant);
 * - notAfter is 23:59:59 JST on the holder's 5th birthday after the day of issue (6th for a renewal),
 *   a birthday on the day of issue itself not counting; 29 February falls on 28 February in
 *   non-leap years;
 * - the Juki-card era's rule, a configurable alternative: 23:59:59 JST on the third anniversary of
 *   the day of issue.
 * Renewal is allowed from 3 calendar months before the old certificate's last day (JST) until it
 * expires; after that a holder applies afresh.
 */
import { anniversaryIn, compareDates, jstDateOf, jstInstant, monthsBefore, type CalendarDate } from '../shared/calendar.js';

export type ValidityRule = 'fifth-birthday' | 'three-years';

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** The n-th birthday strictly after `after`. */
export function nthBirthdayAfter(after: CalendarDate, dateOfBirth: CalendarDate, n: number): CalendarDate {
  const thisYear = anniversaryIn(after.year, dateOfBirth);
  const firstYear = compareDates(thisYear, after) > 0 ? after.year : after.year + 1;
  return anniversaryIn(firstYear + n - 1, dateOfBirth);
}

export function certificateValidity(options: {
  readonly issuedAt: Date;
  readonly dateOfBirth: CalendarDate;
  readonly renewal: boolean;
  readonly rule: ValidityRule;
}): Validity {
  const issueDay = jstDateOf(options.issuedAt);
  const lastDay =
    options.rule === 'three-years'
      ? anniversaryIn(issueDay.year + 3, issueDay)
      : nthBirthdayAfter(issueDay, options.dateOfBirth, options.renewal ? 6 : 5);
  return { notBefore: jstInstant(issueDay, 0, 0, 0), notAfter: jstInstant(lastDay, 23, 59, 59) };
}

/** Whether a certificate expiring at `notAfter` may be renewed at `now`: in its last 3 months, not after. */
export function renewalAllowed(now: Date, notAfter: Date): boolean {
  const opens = monthsBefore(jstDateOf(notAfter), 3);
  return compareDates(jstDateOf(now), opens) >= 0 && now.getTime() <= notAfter.getTime();
}
