/**
 * The characters a certificate may carry, and the substitution of the others.
 *
 * The set is JIS X 0208 (its 6,879 defined characters: rows 1–8 and 16–84, read through the
 * WHATWG EUC-JP decoding, which is what the platform's TextDecoder implements) plus printable ASCII,
 * the JIS X 0201 Roman set every Japanese encoding pairs with it. Vendor rows (NEC row 13, IBM rows
 * 89–92) are left out. A name or address with characters outside the set needs the designated
 * alternative characters from the application: a string of the same length that differs only where
 * the registered text is not representable. The flags say, per character, '1' substituted, '0' not.
 */
let jisX0208: ReadonlySet<string> | undefined;

function jisX0208Set(): ReadonlySet<string> {
  if (jisX0208 !== undefined) return jisX0208;
  const decoder = new TextDecoder('euc-jp', { fatal: false });
  const set = new Set<string>();
  for (let row = 1; row <= 84; row++) {
    if (row > 8 && row < 16) continue;
    for (let cell = 1; cell <= 94; cell++) {
      const character = decoder.decode(Uint8Array.of(0xa0 + row, 0xa0 + cell));
      if (character !== '\ufffd') set.add(character);
    }
  }
  jisX0208 = set;
  return set;
}

export function isRepresentable(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return (character.length === 1 && code >= 0x20 && code <= 0x7e) || jisX0208Set().has(character);
}

export type CertificateForm =
  | { readonly ok: true; readonly text: string; readonly flags: string }
  | { readonly ok: false; readonly problem: 'substitution-missing' | 'substitution-invalid'; readonly detail: string };

/** The text a certificate carries for `registered`, given the designated alternative characters, if any. */
export function certificateForm(registered: string, alternative: string | undefined): CertificateForm {
  const original = [...registered];
  const needed = original.filter((c) => !isRepresentable(c)).length;
  if (alternative === undefined) {
    if (needed > 0) {
      return { ok: false, problem: 'substitution-missing', detail: `${needed} character(s) are outside JIS X 0208 and no alternative characters were given` };
    }
    return { ok: true, text: registered, flags: '0'.repeat(original.length) };
  }
  const replacement = [...alternative];
  if (replacement.length !== original.length) {
    return { ok: false, problem: 'substitution-invalid', detail: 'the alternative characters must have as many characters as the registered text' };
  }
  if (!replacement.every(isRepresentable)) {
    return { ok: false, problem: 'substitution-invalid', detail: 'the alternative characters must themselves be within JIS X 0208' };
  }
  if (original.some((c, i) => isRepresentable(c) && replacement[i] !== c)) {
    return { ok: false, problem: 'substitution-invalid', detail: 'the alternative characters may differ only where the registered character is outside JIS X 0208' };
  }
  return { ok: true, text: alternative, flags: original.map((c, i) => (replacement[i] === c ? '0' : '1')).join('') };
}
