/**
 * RFC 8785 (JSON Canonicalization Scheme) for the values the ledger stores: object members sorted
 * by UTF-16 code units, no white space, strings and numbers serialised exactly as ECMAScript's
 * JSON.stringify does (which RFC 8785 adopts). Lone surrogates, NaN and infinities are refused.
 *
 * Written here rather than taken from the `canonicalize` package because appends canonicalise every
 * event twice and the package was measured at ~2x the cost (docs/decisions/0003-canonical-json.md);
 * a differential test holds this function to that package's output.
 */
/** Matches a surrogate code unit that is not half of a pair (with the u flag, pairs are one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new TypeError('canonical JSON refuses strings with lone surrogates');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON refuses the number ${value}`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return canonicalArray(value);
      return canonicalObject(value as Record<string, unknown>);
    default:
      throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
  }
}

const absent = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

function canonicalArray(values: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    out += absent(v) ? 'null' : canonicalJson(v);
  }
  return `${out}]`;
}

function canonicalObject(object: Record<string, unknown>): string {
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson((object as { toJSON: () => unknown }).toJSON());
  }
  const keys = Object.keys(object).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = object[key];
    if (absent(v)) continue;
    if (!first) out += ',';
    first = false;
    out += `${canonicalJson(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}
