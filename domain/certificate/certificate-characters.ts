/**
 * The characters a certificate may carry, and the substitution of the others.
 *
 * The set is JIS X 0208 as Unicode's mapping table JIS0208.TXT has it (its 6,879 characters, rows
 * 1–8 and 16–84: jis-x-0208-table.ts), plus printable ASCII, the JIS X 0201 Roman set every
 * Japanese encoding pairs with it. At the seven code points where the WHATWG EUC-JP index (what
 * Windows' CP932 and the platform's TextDecoder produce) maps to another character — 1-61 to
 * U+FF0D instead of U+2212 MINUS SIGN, 1-33 to U+FF5E instead of U+301C WAVE DASH, … — that form
 * is taken too: it is the same JIS X 0208 character as a Windows counter types it (decision 0009).
 * Vendor rows (NEC row 13, IBM rows 89–92) are left out.
 *
 * A name or address with characters outside the set needs the designated alternative characters
 * from the application: a string of the same length that differs only where the registered text
 * is not representable. The flags say, per character, '1' substituted, '0' not. A refusal names
 * each offending character by position (from 1, in characters) and code point, never the text.
 */
import { JIS_X_0208_RUNS } from './jis-x-0208-table.js';

let characterSet: ReadonlySet<string> | undefined;

function jisX0208Set(): ReadonlySet<string> {
  if (characterSet !== undefined) return characterSet;
  const set = new Set<string>();
  const whatwg = new TextDecoder('euc-jp', { fatal: false });
  for (const [start, characters] of JIS_X_0208_RUNS) {
    [...characters].forEach((character, i) => {
      set.add(character);
      // The same code point as the WHATWG index (CP932) maps it, where that differs: see above.
      const code = start + i;
      const variant = whatwg.decode(Uint8Array.of((code >> 8) | 0x80, (code & 0xff) | 0x80));
      if (variant !== '\ufffd') set.add(variant);
    });
  }
  characterSet = set;
  return set;
}

export function isRepresentable(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return (character.length === 1 && code >= 0x20 && code <= 0x7e) || jisX0208Set().has(character);
}

export type CertificateForm =
  | { readonly ok: true; readonly text: string; readonly flags: string }
  | { readonly ok: false; readonly problem: 'substitution-missing' | 'substitution-invalid'; readonly detail: string };

/** Characters named one by one in a refusal; beyond this they are counted. */
const NAMED = 10;

function codePoint(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `U+2460 at position 1, U+9AD9 at position 4` for the characters of `text` at `indexes` (from 0). */
function located(text: readonly string[], indexes: readonly number[]): string {
  const named = indexes.slice(0, NAMED).map((i) => `${codePoint(text[i] ?? '')} at position ${i + 1}`);
  const rest = indexes.length - named.length;
  return rest > 0 ? `${named.join(', ')} and ${rest} more` : named.join(', ');
}

/** `position 2, 5` (from 1), for a change where either character would repeat the text. */
function positions(indexes: readonly number[]): string {
  const named = indexes.slice(0, NAMED).map((i) => String(i + 1));
  const rest = indexes.length - named.length;
  return `position${indexes.length === 1 ? '' : 's'} ${named.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}

const positionsWhere = (characters: readonly string[], test: (c: string, i: number) => boolean) =>
  characters.flatMap((c, i) => (test(c, i) ? [i] : []));

/** The text a certificate carries for `registered`, given the designated alternative characters, if any. */
export function certificateForm(registered: string, alternative: string | undefined): CertificateForm {
  const original = [...registered];
  if (alternative === undefined) {
    const outside = positionsWhere(original, (c) => !isRepresentable(c));
    if (outside.length > 0) {
      return {
        ok: false,
        problem: 'substitution-missing',
        detail: `${located(original, outside)} ${outside.length === 1 ? 'is' : 'are'} outside JIS X 0208 and no alternative characters were given`,
      };
    }
    return { ok: true, text: registered, flags: '0'.repeat(original.length) };
  }
  const replacement = [...alternative];
  if (replacement.length !== original.length) {
    return { ok: false, problem: 'substitution-invalid', detail: `the alternative characters must have as many characters as the registered text (${original.length}, not ${replacement.length})` };
  }
  const outside = positionsWhere(replacement, (c) => !isRepresentable(c));
  if (outside.length > 0) {
    return { ok: false, problem: 'substitution-invalid', detail: `the alternative characters must themselves be within JIS X 0208: ${located(replacement, outside)}` };
  }
  const changed = positionsWhere(original, (c, i) => isRepresentable(c) && replacement[i] !== c);
  if (changed.length > 0) {
    return {
      ok: false,
      problem: 'substitution-invalid',
      detail: `the alternative characters may differ only where the registered character is outside JIS X 0208; they also differ at ${positions(changed)}`,
    };
  }
  return { ok: true, text: alternative, flags: original.map((c, i) => (replacement[i] === c ? '0' : '1')).join('') };
}
