/**
 * The dates of birth a resident can have: from 1868-01-25 (Meiji 1, the first date the era digit of
 * a certificate's date of birth can encode) to today in Japan. Anything else is a typing error or a
 * placeholder (0001-01-01, 9999-12-31), and a certificate would carry it for five years.
 */
import { compareDates, formatIsoDate, jstDateOf, parseIsoDate, type CalendarDate } from './calendar.js';
import { policyViolation, type DomainError } from './errors.js';

export const EARLIEST_DATE_OF_BIRTH: CalendarDate = { year: 1868, month: 1, day: 25 };

/** The refusal for a date of birth outside the possible range at `now`, naming `field`; undefined when possible. */
export function dateOfBirthOutOfRange(dateOfBirth: CalendarDate, now: Date, field: string): DomainError | undefined {
  if (compareDates(dateOfBirth, EARLIEST_DATE_OF_BIRTH) < 0) {
    return policyViolation('date-of-birth-out-of-range', `A date of birth cannot be before ${formatIsoDate(EARLIEST_DATE_OF_BIRTH)} (Meiji 1).`, field);
  }
  if (compareDates(dateOfBirth, jstDateOf(now)) > 0) {
    return policyViolation('date-of-birth-out-of-range', 'A date of birth cannot be after today (in Japan).', field);
  }
  return undefined;
}

/** The same for a date of birth as the API gives it (YYYY-MM-DD); a string that is no calendar date is refused too. */
export function isoDateOfBirthRefusal(iso: string, now: Date, field: string): DomainError | undefined {
  const date = parseIsoDate(iso);
  if (date === undefined) return policyViolation('invalid-date-of-birth', 'The date of birth is not a calendar date.', field);
  return dateOfBirthOutOfRange(date, now, field);
}
