/**
 * CRL times without Date objects: a million revocation dates are parsed and written per full CRL,
 * so ISO instants become whole epoch seconds with integer arithmetic (days ⇄ civil dates after
 * Howard Hinnant's algorithms, proleptic Gregorian) and go out as ASCII digits straight into the
 * output buffer.
 */
import { TAG } from '../der.js';

const SECONDS_PER_DAY = 86_400;
const DIGIT_0 = 0x30;
/** UTCTime cannot say a year before 1950 (RFC 5280 §5.1.2.4), and GeneralizedTime has four digits. */
const FIRST_YEAR = 1950;
const LAST_YEAR = 9999;
/** RFC 5280 §5.1.2.4/§5.1.2.6: UTCTime through 2049, GeneralizedTime from 2050. */
const FIRST_GENERALIZED_YEAR = 2050;
const FIRST_GENERALIZED_SECOND = daysFromCivil(FIRST_GENERALIZED_YEAR, 1, 1) * SECONDS_PER_DAY;
const FIRST_SECOND = daysFromCivil(FIRST_YEAR, 1, 1) * SECONDS_PER_DAY;
const END_SECOND = daysFromCivil(LAST_YEAR + 1, 1, 1) * SECONDS_PER_DAY;

/** YYMMDDHHMMSSZ and YYYYMMDDHHMMSSZ. */
const UTC_TIME_LENGTH = 13;
const GENERALIZED_TIME_LENGTH = 15;

/**
 * The fields of the instant `parseInstant` read last — year, month, day, hour, minute, second, and
 * the zone's offset in minutes — in a module-level array, so that a million CRL entries make no
 * objects to collect.
 */
const parsed = new Int32Array(7);
const YEAR = 0;
const MONTH = 1;
const DAY = 2;
const HOUR = 3;
const MINUTE = 4;
const SECOND = 5;
const OFFSET = 6;

/**
 * Whole seconds since 1970 of `iso`: `YYYY-MM-DDTHH:MM:SS`, an optional all-zero fraction (what
 * `toISOString` gives for a whole second), then `Z` or `±HH:MM`. Throws, naming `field`, for
 * anything else: dates that do not exist (30 February, 24:00), a non-zero fraction (a CRL says whole
 * seconds, so a finer instant could not be kept), years outside 1950–9999.
 */
export function epochSeconds(iso: string, field: string): number {
  parseInstant(iso, field);
  return parsedSeconds(iso, field);
}

/**
 * Writes `iso` (as `epochSeconds` reads it) as a Time at `offset` — UTCTime through 2049 and
 * GeneralizedTime from 2050, or GeneralizedTime always when `generalized` — and returns the offset
 * after it. A UTC instant's digits are written from its own fields; one with an offset goes through
 * epoch seconds to land on the UTC date.
 */
export function writeInstant(out: Uint8Array, offset: number, iso: string, field: string, generalized: boolean): number {
  parseInstant(iso, field);
  if (parsed[OFFSET] !== 0) {
    const seconds = parsedSeconds(iso, field);
    return generalized ? writeGeneralizedTime(out, offset, seconds) : writeTime(out, offset, seconds);
  }
  const year = parsed[YEAR]!;
  let at = offset + 2;
  if (generalized || year >= FIRST_GENERALIZED_YEAR) {
    out[offset] = TAG.generalizedTime;
    out[offset + 1] = GENERALIZED_TIME_LENGTH;
    writeTwoDigits(out, at, (year / 100) | 0);
    at += 2;
  } else {
    out[offset] = TAG.utcTime;
    out[offset + 1] = UTC_TIME_LENGTH;
  }
  writeTwoDigits(out, at, year % 100);
  writeTwoDigits(out, at + 2, parsed[MONTH]!);
  writeTwoDigits(out, at + 4, parsed[DAY]!);
  writeTwoDigits(out, at + 6, parsed[HOUR]!);
  writeTwoDigits(out, at + 8, parsed[MINUTE]!);
  writeTwoDigits(out, at + 10, parsed[SECOND]!);
  out[at + 12] = 0x5a; // 'Z'
  return at + 13;
}

/** Checks `iso` and leaves its fields in `parsed`; throws, naming `field`, as `epochSeconds` says. */
function parseInstant(iso: string, field: string): void {
  const year = twoDigits(iso, 0) * 100 + twoDigits(iso, 2);
  const month = twoDigits(iso, 5);
  const day = twoDigits(iso, 8);
  const hour = twoDigits(iso, 11);
  const minute = twoDigits(iso, 14);
  const second = twoDigits(iso, 17);
  const separated = iso[4] === '-' && iso[7] === '-' && iso[10] === 'T' && iso[13] === ':' && iso[16] === ':';
  let zoneAt = 19;
  if (iso[zoneAt] === '.') {
    let nonZero = false;
    let digits = 0;
    for (let code = iso.charCodeAt(++zoneAt); code >= DIGIT_0 && code <= DIGIT_0 + 9; code = iso.charCodeAt(++zoneAt), digits++) nonZero ||= code !== DIGIT_0;
    if (nonZero) throw new Error(`${field} must be whole seconds: ${iso}`);
    if (digits === 0) zoneAt = Number.NaN;
  }
  const offsetMinutes = zoneOffsetMinutes(iso, zoneAt);
  // Written so that NaN (a non-digit or a missing part somewhere) fails every comparison.
  const valid =
    separated &&
    year >= FIRST_YEAR &&
    year <= LAST_YEAR &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    !Number.isNaN(offsetMinutes);
  if (!valid) throw new Error(`${field} must be an ISO instant with whole seconds and an offset (1950–9999), e.g. 2026-01-01T00:00:00Z: ${iso}`);
  parsed[YEAR] = year;
  parsed[MONTH] = month;
  parsed[DAY] = day;
  parsed[HOUR] = hour;
  parsed[MINUTE] = minute;
  parsed[SECOND] = second;
  parsed[OFFSET] = offsetMinutes;
}

/** Epoch seconds of the instant in `parsed`; throws when it falls outside 1950–9999 in UTC. */
function parsedSeconds(iso: string, field: string): number {
  const seconds =
    daysFromCivil(parsed[YEAR]!, parsed[MONTH]!, parsed[DAY]!) * SECONDS_PER_DAY +
    parsed[HOUR]! * 3600 +
    parsed[MINUTE]! * 60 +
    parsed[SECOND]! -
    parsed[OFFSET]! * 60;
  if (seconds < FIRST_SECOND || seconds >= END_SECOND) {
    throw new Error(`${field} falls outside 1950–9999 once in UTC: ${iso}`);
  }
  return seconds;
}

/** Bytes of the Time (UTCTime or GeneralizedTime, as the year asks) for `seconds`, tag and length included. */
export function timeLength(seconds: number): number {
  return 2 + (seconds < FIRST_GENERALIZED_SECOND ? UTC_TIME_LENGTH : GENERALIZED_TIME_LENGTH);
}

/** Writes the Time for `seconds` at `offset`; returns the offset after it. */
export function writeTime(out: Uint8Array, offset: number, seconds: number): number {
  return seconds < FIRST_GENERALIZED_SECOND ? writeUtcTime(out, offset, seconds) : writeGeneralizedTime(out, offset, seconds);
}

/** Bytes of a GeneralizedTime, tag and length included: what invalidityDate always is (RFC 5280 §5.3.2). */
export const GENERALIZED_TIME_BYTES = 2 + GENERALIZED_TIME_LENGTH;

/** Writes `seconds` as GeneralizedTime YYYYMMDDHHMMSSZ at `offset`; returns the offset after it. */
export function writeGeneralizedTime(out: Uint8Array, offset: number, seconds: number): number {
  out[offset] = TAG.generalizedTime;
  out[offset + 1] = GENERALIZED_TIME_LENGTH;
  const year = writeCivil(out, offset + 4, seconds);
  writeTwoDigits(out, offset + 2, (year / 100) | 0);
  writeTwoDigits(out, offset + 4, year % 100);
  return offset + GENERALIZED_TIME_BYTES;
}

function writeUtcTime(out: Uint8Array, offset: number, seconds: number): number {
  out[offset] = TAG.utcTime;
  out[offset + 1] = UTC_TIME_LENGTH;
  const year = writeCivil(out, offset + 2, seconds);
  writeTwoDigits(out, offset + 2, year % 100);
  return offset + 2 + UTC_TIME_LENGTH;
}

/**
 * Writes YYMMDDHHMMSSZ from `at` with YY left to the caller (the century is the caller's business);
 * returns the full year. Years from 1950 make every value below non-negative and int32, so `| 0`
 * truncates as floor would and keeps V8 on integer arithmetic (twice as fast over a million entries).
 */
function writeCivil(out: Uint8Array, at: number, seconds: number): number {
  const days = Math.floor(seconds / SECONDS_PER_DAY);
  const inDay = (seconds - days * SECONDS_PER_DAY) | 0;
  // civil_from_days: eras of 400 years starting 1 March, so the leap day falls last.
  const shifted = (days + 719_468) | 0;
  const era = (shifted / 146_097) | 0;
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = ((dayOfEra - ((dayOfEra / 1460) | 0) + ((dayOfEra / 36_524) | 0) - ((dayOfEra / 146_096) | 0)) / 365) | 0;
  const dayOfYear = dayOfEra - (365 * yearOfEra + ((yearOfEra / 4) | 0) - ((yearOfEra / 100) | 0));
  const monthFromMarch = ((5 * dayOfYear + 2) / 153) | 0;
  const day = dayOfYear - (((153 * monthFromMarch + 2) / 5) | 0) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const hour = (inDay / 3600) | 0;
  const minute = ((inDay - hour * 3600) / 60) | 0;
  writeTwoDigits(out, at + 2, month);
  writeTwoDigits(out, at + 4, day);
  writeTwoDigits(out, at + 6, hour);
  writeTwoDigits(out, at + 8, minute);
  writeTwoDigits(out, at + 10, inDay - hour * 3600 - minute * 60);
  out[at + 12] = 0x5a; // 'Z'
  return yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
}

/** `value` in 0–99 as two ASCII digits. */
function writeTwoDigits(out: Uint8Array, at: number, value: number): void {
  const tens = (value / 10) | 0;
  out[at] = DIGIT_0 + tens;
  out[at + 1] = DIGIT_0 + value - tens * 10;
}

/** days_from_civil: days since 1970-01-01 of a proleptic Gregorian date from 1950 on (non-negative int32 steps, as above). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = (y / 400) | 0;
  const yearOfEra = y - era * 400;
  const dayOfYear = (((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) | 0) + day - 1;
  const dayOfEra = yearOfEra * 365 + ((yearOfEra / 4) | 0) - ((yearOfEra / 100) | 0) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Minutes east of UTC for the zone at `at` (`Z` or `±HH:MM`, ending the string), NaN when there is none. */
function zoneOffsetMinutes(iso: string, at: number): number {
  if (iso[at] === 'Z') return at + 1 === iso.length ? 0 : Number.NaN;
  const sign = iso[at] === '+' ? 1 : iso[at] === '-' ? -1 : 0;
  const hours = twoDigits(iso, at + 1);
  const minutes = twoDigits(iso, at + 4);
  if (sign === 0 || iso[at + 3] !== ':' || at + 6 !== iso.length || !(hours <= 23 && minutes <= 59)) return Number.NaN;
  return sign * (hours * 60 + minutes);
}

/** The two decimal digits at `at`, NaN when either is not a digit (or missing). */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - DIGIT_0;
  const units = text.charCodeAt(at + 1) - DIGIT_0;
  return tens >= 0 && tens <= 9 && units >= 0 && units <= 9 ? tens * 10 + units : Number.NaN;
}
