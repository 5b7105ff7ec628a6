/**
 * RFC 8785 (JSON Canonicalization Scheme) for the values the ledger stores: object members sorted
 * by UTF-16 code units, no white space, strings and numbers serialised exactly as ECMAScript's
 * JSON.stringify does (which RFC 8785 adopts). Lone surrogates, NaN and infinities are refused.
 *
 * Written here rather than taken from the `canonicalize` package because appends canonicalise every
 * event twice and the package was measured at ~2x the cost (docs/decisions/0003-canonical-json.md);
 * a differential test holds this function to that package's output.
 *
 * The common case takes a faster road: a walk that checks numbers and puts object members in order
 * (copying only objects whose members are not already sorted), then one native JSON.stringify —
 * which writes members in insertion order and strings and numbers exactly as RFC 8785 wants. Keys
 * that look like array indices (V8 enumerates them first, whatever the insertion order), `toJSON`,
 * and any output holding a `\ud8xx`–`\udfxx` escape (JSON.stringify's form of a lone surrogate)
 * go the member-by-member way below, which is the reference.
 */
/** Matches a surrogate code unit that is not half of a pair (with the u flag, pairs are one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

export function canonicalJson(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const ready = ordered(value);
    if (ready !== SLOW) {
      const text = JSON.stringify(ready);
      if (!text.includes('\\ud')) return text;
    }
  }
  return memberByMember(value);
}

const SLOW = Symbol('slow');

/** `value` with every object's members in RFC 8785 order, or SLOW where JSON.stringify would not keep it. */
function ordered(value: unknown): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON refuses the number ${value}`);
    return value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const r = ordered(v);
      if (r === SLOW) return SLOW;
      if (r !== v) (copy ??= value.slice())[i] = r;
    }
    return copy ?? value;
  }
  const object = value as Record<string, unknown>;
  if (typeof object.toJSON === 'function') return SLOW;
  const keys = Object.keys(object);
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const first = key.charCodeAt(0);
    if (first >= 48 && first <= 57) return SLOW;
    if (i > 0 && (keys[i - 1] as string) > key) sorted = false;
  }
  if (sorted) {
    let copy: Record<string, unknown> | undefined;
    for (const key of keys) {
      const v = object[key];
      const r = ordered(v);
      if (r === SLOW) return SLOW;
      if (r !== v) (copy ??= { ...object })[key] = r;
    }
    return copy ?? object;
  }
  keys.sort();
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    const r = ordered(object[key]);
    if (r === SLOW) return SLOW;
    copy[key] = r;
  }
  return copy;
}

function memberByMember(value: unknown): string {
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
    out += absent(v) ? 'null' : memberByMember(v);
  }
  return `${out}]`;
}

function canonicalObject(object: Record<string, unknown>): string {
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    return memberByMember((object as { toJSON: () => unknown }).toJSON());
  }
  const keys = Object.keys(object).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = object[key];
    if (absent(v)) continue;
    if (!first) out += ',';
    first = false;
    out += `${memberByMember(key)}:${memberByMember(v)}`;
  }
  return `${out}}`;
}
