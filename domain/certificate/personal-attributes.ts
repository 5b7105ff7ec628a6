/**
 * The personal attributes of a signing certificate (SAN otherNames 1.2.392.200149.8.5.5.1–.6),
 * computed from the applicant as registered. See the domain page, "Certificate profile (signing)".
 */
import type { PersonalAttributes } from '../ports/certificate-authority.js';
import { compareDates, formatIsoDate, type CalendarDate } from '../shared/calendar.js';
import { certificateForm } from './certificate-characters.js';

export type Sex = 'male' | 'female' | 'not-applicable';

/** Start dates of the eras, newest first, with their JPKI era digit. */
const ERAS: readonly { readonly digit: string; readonly from: CalendarDate }[] = [
  { digit: '5', from: { year: 2019, month: 5, day: 1 } }, // Reiwa
  { digit: '4', from: { year: 1989, month: 1, day: 8 } }, // Heisei
  { digit: '3', from: { year: 1926, month: 12, day: 25 } }, // Showa
  { digit: '2', from: { year: 1912, month: 7, day: 30 } }, // Taisho
  // Meiji was proclaimed on 1868-10-23 and counted from the first day of that (lunar) year, 1868-01-25:
  // Meiji 1 begins there, the earliest date of birth the ledger takes (domain/shared/date-of-birth.ts).
  { digit: '1', from: { year: 1868, month: 1, day: 25 } }, // Meiji
];

/** `EYYYYMMDD`: the era digit (0 before Meiji) and the Gregorian date. */
export function eraDate(date: CalendarDate): string {
  const digit = ERAS.find((era) => compareDates(date, era.from) >= 0)?.digit ?? '0';
  return `${digit}${formatIsoDate(date).replaceAll('-', '')}`;
}

const SEX_DIGITS: Record<Sex, PersonalAttributes['sex']> = { male: '1', female: '2', 'not-applicable': '9' };

/** Surname and given name separated by one full-width space, whatever space the register used. */
export function nameWithFullWidthSpace(name: string): string {
  return name.trim().replace(/[ \u3000]+/gu, '\u3000');
}

export interface RegisteredApplicant {
  readonly name: string;
  readonly dateOfBirth: CalendarDate;
  readonly sex: Sex;
  readonly address: string;
  readonly alternativeCharacters?: { readonly name?: string | undefined; readonly address?: string | undefined } | undefined;
}

export type PersonalAttributesResult =
  | { readonly ok: true; readonly attributes: PersonalAttributes }
  | { readonly ok: false; readonly field: 'name' | 'address'; readonly problem: string; readonly detail: string };

export function personalAttributes(applicant: RegisteredApplicant): PersonalAttributesResult {
  const alternatives = applicant.alternativeCharacters;
  const name = certificateForm(
    nameWithFullWidthSpace(applicant.name),
    alternatives?.name === undefined ? undefined : nameWithFullWidthSpace(alternatives.name),
  );
  if (!name.ok) return { ok: false, field: 'name', problem: name.problem, detail: `name: ${name.detail}` };
  const address = certificateForm(applicant.address, alternatives?.address);
  if (!address.ok) return { ok: false, field: 'address', problem: address.problem, detail: `address: ${address.detail}` };
  return {
    ok: true,
    attributes: {
      name: name.text,
      nameFlags: name.flags,
      sex: SEX_DIGITS[applicant.sex],
      dateOfBirth: eraDate(applicant.dateOfBirth),
      address: address.text,
      addressFlags: address.flags,
    },
  };
}
