/**
 * Calendar dates and Japan Standard Time. JST is UTC+9 all year (no daylight saving), so a JST
 * wall-clock time is a fixed offset from UTC. Pure arithmetic on Date values built from numbers;
 * the current time always arrives from outside.
 */
export interface CalendarDate {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  /** 1–31 */
  readonly day: number;
}

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

export function parseIsoDate(iso: string): CalendarDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (match === null) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= daysInMonth(date.year, date.month) ? date : undefined;
}

export function formatIsoDate(date: CalendarDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** The calendar date in Japan at this instant. */
export function jstDateOf(instant: Date): CalendarDate {
  const shifted = new Date(instant.getTime() + JST_OFFSET_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** The instant at a JST wall-clock time on a calendar date. */
export function jstInstant(date: CalendarDate, hours: number, minutes: number, seconds: number): Date {
  return new Date(Date.UTC(date.year, date.month - 1, date.day, hours, minutes, seconds) - JST_OFFSET_MS);
}

/** The same month and day in another year; 29 February falls on 28 February in non-leap years. */
export function anniversaryIn(year: number, of: CalendarDate): CalendarDate {
  if (of.month === 2 && of.day === 29 && !isLeapYear(year)) return { year, month: 2, day: 28 };
  return { year, month: of.month, day: of.day };
}

/** Completed years of age on a date (a birthday counts from the day itself). */
export function ageOn(dateOfBirth: CalendarDate, on: CalendarDate): number {
  const birthdayThisYear = anniversaryIn(on.year, dateOfBirth);
  return on.year - dateOfBirth.year - (compareDates(on, birthdayThisYear) < 0 ? 1 : 0);
}

/** The date `months` calendar months earlier, clamped to the end of a shorter month. */
export function monthsBefore(date: CalendarDate, months: number): CalendarDate {
  const index = date.year * 12 + (date.month - 1) - months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}
