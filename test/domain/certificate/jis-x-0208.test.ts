/**
 * The certificate character set follows Unicode's JIS0208.TXT (the table shipped in
 * domain/certificate/jis-x-0208-table.ts), not the WHATWG EUC-JP index the platform decodes with;
 * the seven code points where the two differ are held equal to the list in decision 0009. A
 * refusal names each offending character's position and code point, never the text.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { certificateForm, isRepresentable } from '../../../domain/certificate/certificate-characters.js';
import { JIS_X_0208_RUNS } from '../../../domain/certificate/jis-x-0208-table.js';

const hex = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** JIS code (0x2121…) → character, as the shipped table has it. */
function table(): Map<number, string> {
  const byCode = new Map<number, string>();
  for (const [start, characters] of JIS_X_0208_RUNS) [...characters].forEach((c, i) => byCode.set(start + i, c));
  return byCode;
}

/** The same code points through the WHATWG EUC-JP decoder (the platform's TextDecoder). */
function whatwg(code: number): string {
  return new TextDecoder('euc-jp').decode(Uint8Array.of((code >> 8) | 0x80, (code & 0xff) | 0x80));
}

describe('the JIS X 0208 table', () => {
  it('holds the 6,879 characters of JIS0208.TXT, rows 1–8 and 16–84, each once', () => {
    const byCode = table();
    expect(byCode.size).toBe(6879);
    expect(new Set(byCode.values()).size).toBe(6879);
    const rows = new Set([...byCode.keys()].map((code) => (code >> 8) - 0x20));
    expect([...rows].every((row) => (row >= 1 && row <= 8) || (row >= 16 && row <= 84))).toBe(true);
    expect(byCode.get(0x2121)).toBe('\u3000');
    expect(byCode.get(0x3021)).toBe('亜');
    expect(byCode.get(0x7426)).toBe('熙');
  });

  it('maps 1-61 to U+2212 MINUS SIGN and 1-33 to U+301C WAVE DASH, as JIS0208.TXT does', () => {
    const byCode = table();
    expect(hex(byCode.get(0x215d) ?? '')).toBe('U+2212');
    expect(hex(byCode.get(0x2141) ?? '')).toBe('U+301C');
    expect(hex(byCode.get(0x2142) ?? '')).toBe('U+2016');
    expect(hex(byCode.get(0x2140) ?? '')).toBe('U+005C');
  });

  it('differs from the WHATWG EUC-JP index at exactly the code points decision 0009 lists', () => {
    const byCode = table();
    const differences = [...byCode].filter(([code, c]) => whatwg(code) !== c).map(([code, c]) => `0x${code.toString(16).toUpperCase()} ${hex(c)} ${hex(whatwg(code))}`);
    expect(differences).toEqual([
      '0x2140 U+005C U+FF3C',
      '0x2141 U+301C U+FF5E',
      '0x2142 U+2016 U+2225',
      '0x215D U+2212 U+FF0D',
      '0x2171 U+00A2 U+FFE0',
      '0x2172 U+00A3 U+FFE1',
      '0x224C U+00AC U+FFE2',
    ]);
    const decision = readFileSync(new URL('../../../docs/decisions/0009-jis-x-0208-table.md', import.meta.url), 'utf8');
    for (const line of differences) {
      const [code, ours, theirs] = line.split(' ');
      expect(decision).toMatch(new RegExp(`\\| ${code} \\| ${ours?.replace('+', '\\+')} [^|]*\\| ${theirs?.replace('+', '\\+')} `));
    }
  });
});

describe('the certificate character set', () => {
  it.each(['−', '〜', '‖', '¢', '£', '¬'])('takes %s, a JIS X 0208 character in JIS0208.TXT', (c) => expect(isRepresentable(c)).toBe(true));
  it.each(['－', '～', '∥', '＼', '￠', '￡', '￢'])('still takes %s, the WHATWG (CP932) form of the same JIS code point', (c) => expect(isRepresentable(c)).toBe(true));
  it.each(['①', '髙', '𠮷', 'ｱ', '\u2014'])('refuses %s', (c) => expect(isRepresentable(c)).toBe(false));

  it('takes an address with U+2212 and a name with U+301C as they are, all flags zero', () => {
    expect(certificateForm('千代田１−１', undefined)).toEqual({ ok: true, text: '千代田１−１', flags: '000000' });
    expect(certificateForm('山田〜太郎', undefined)).toEqual({ ok: true, text: '山田〜太郎', flags: '00000' });
  });
});

describe('a refusal', () => {
  it('names each character outside the set by position and code point, not the text', () => {
    const form = certificateForm('①丁目髙𠮷', undefined);
    expect(form).toMatchObject({ ok: false, problem: 'substitution-missing' });
    const detail = form.ok ? '' : form.detail;
    expect(detail).toContain('U+2460 at position 1');
    expect(detail).toContain('U+9AD9 at position 4');
    expect(detail).toContain('U+20BB7 at position 5');
    expect(detail).not.toMatch(/[①丁目髙𠮷]/u);
  });

  it('names the alternative characters that are themselves outside the set', () => {
    const form = certificateForm('髙橋', '﨑橋');
    expect(form).toMatchObject({ ok: false, problem: 'substitution-invalid' });
    expect(form.ok ? '' : form.detail).toContain('U+FA11 at position 1');
  });

  it('names the representable characters the alternative changes', () => {
    const form = certificateForm('髙橋', '高端');
    expect(form).toMatchObject({ ok: false, problem: 'substitution-invalid' });
    expect(form.ok ? '' : form.detail).toContain('position 2');
    expect(form.ok ? '' : form.detail).not.toMatch(/[髙橋高端]/u);
  });

  it('lists at most ten characters and counts the rest', () => {
    const form = certificateForm('①'.repeat(25), undefined);
    const detail = form.ok ? '' : form.detail;
    expect(detail).toContain('U+2460 at position 10');
    expect(detail).not.toContain('position 11');
    expect(detail).toContain('15 more');
  });
});
