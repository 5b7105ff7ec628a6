import { describe, expect, it } from 'vitest';
import { certificateForm, isRepresentable } from '../../../domain/certificate/certificate-characters.js';
import { eraDate, personalAttributes } from '../../../domain/certificate/personal-attributes.js';

describe('the certificate character set (JIS X 0208 and printable ASCII)', () => {
  it.each(['山', '田', '太', '郎', '　', 'ー', '１', '－', 'A', '1', '-', ' ', 'ヶ', 'ぁ'])('takes %s', (c) => expect(isRepresentable(c)).toBe(true));
  it.each(['髙', '𠮷', '﨑', 'ｱ', '①', '\u00e9'])('refuses %s', (c) => expect(isRepresentable(c)).toBe(false));
});

describe('certificate form and substitution flags', () => {
  it('keeps representable text as it is, with all-zero flags', () => {
    expect(certificateForm('山田　太郎', undefined)).toEqual({ ok: true, text: '山田　太郎', flags: '00000' });
  });
  it('substitutes where the register uses a character outside the set, flagging each substituted character', () => {
    expect(certificateForm('髙橋　𠮷男', '高橋　吉男')).toEqual({ ok: true, text: '高橋　吉男', flags: '10010' });
  });
  it('refuses text that needs substitution when none is given', () => {
    expect(certificateForm('髙橋', undefined)).toMatchObject({ ok: false, problem: 'substitution-missing' });
  });
  it.each([
    ['a different length', '髙橋', '高橋さん'],
    ['a substitute outside the set', '髙橋', '﨑橋'],
    ['a change to a representable character', '髙橋', '高端'],
  ])('refuses alternative characters with %s', (_label, registered, alternative) => {
    expect(certificateForm(registered, alternative)).toMatchObject({ ok: false, problem: 'substitution-invalid' });
  });
});

describe('era dates (EYYYYMMDD)', () => {
  it.each([
    [{ year: 1926, month: 12, day: 24 }, '219261224'], // last day of Taisho
    [{ year: 1926, month: 12, day: 25 }, '319261225'], // first day of Showa
    [{ year: 1989, month: 1, day: 7 }, '319890107'],
    [{ year: 1989, month: 1, day: 8 }, '419890108'],
    [{ year: 2019, month: 4, day: 30 }, '420190430'],
    [{ year: 2019, month: 5, day: 1 }, '520190501'],
    [{ year: 1912, month: 7, day: 29 }, '119120729'],
    [{ year: 1868, month: 1, day: 25 }, '118680125'], // Meiji 1 counts from the lunar new year, before its proclamation
    [{ year: 1868, month: 10, day: 22 }, '118681022'],
  ])('%o → %s', (date, expected) => expect(eraDate(date)).toBe(expected));
});

describe('personal attributes of a signing certificate', () => {
  it('formats the four items as the SAN attributes carry them', () => {
    const result = personalAttributes({
      name: '山田 太郎',
      dateOfBirth: { year: 1990, month: 6, day: 15 },
      sex: 'male',
      address: '東京都千代田区千代田１－１',
    });
    expect(result).toEqual({
      ok: true,
      attributes: {
        name: '山田　太郎',
        nameFlags: '00000',
        sex: '1',
        dateOfBirth: '419900615',
        address: '東京都千代田区千代田１－１',
        addressFlags: '0000000000000',
      },
    });
  });
  it('names the field that needs alternative characters', () => {
    const result = personalAttributes({ name: '髙橋 花子', dateOfBirth: { year: 2000, month: 1, day: 1 }, sex: 'female', address: '東京都' });
    expect(result).toMatchObject({ ok: false, field: 'name', problem: 'substitution-missing' });
  });
});
