/**
 * What the fuzz sends: text the store cannot hold (lone surrogates, NUL, C0 controls, DEL), text a
 * careless parser mishandles (percent signs, quotes, separators, bidi and BOM), 64 KiB strings,
 * deep nesting, wrong types, and the same for query strings, path parameters and headers. Requests
 * are drawn as plain data (recipes) and turned into HTTP at run time, where they may refer to
 * things the ledger really holds (a real application id, a real serial) by index into a pool.
 */
import fc from 'fast-check';

/** Single characters worth trying everywhere. */
const NASTY = [
  '\ud800', '\udbff', '\udc00', '\udfff', '\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\r', '\u000b', '\u001b', '\u001f', '\u007f',
  '\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\ufffd', '\ufffe', '\uffff', '\u200b', '\u202e', '\u0301', '💩', '𠀋', '髙', 'ｱ', '−', '〜', '＝',
  '"', '\\', '/', '%', '?', '#', '&', '=', '+', ' ', '.', '<', '>', "'", '`', '{', '}', '[', ']', ':', ';', ',', '*', '@', '$', '-', '0', '9', 'A', 'z',
];

const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  // Any UTF-16 code unit, lone surrogate halves included.
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)) },
);

/** Values a schema or a decider is likely to treat specially. */
const SPECIAL = [
  '', ' ', '  x  ', '0', '-1', '1e400', 'NaN', 'Infinity', 'null', 'true', 'undefined', '[]', '{}', '__proto__', 'constructor',
  '1990-02-30', '1990-13-01', '0001-01-01', '9999-12-31', '1868-01-24', '1868-01-25', '+275760-09-13', '2026-12-08T00:00:00Z', '2026-12-08T00:00:00',
  '1970-01-01T00:00:00.000+09:00', '9999-12-31T23:59:59.999Z', '00000000000', '99999999999', '131016', '000000', '999999', 'delta', 'full',
  'signing', 'user-authentication', 'SIGNING', 'verified', 'failed', 'keyCompromise', 'certificateHold', 'removeFromCRL', 'discrepancy',
  '00', '0A', 'ZZ', 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', '00000000-0000-0000-0000-000000000000',
  '18446744073709551616', '9223372036854775807', '99999999999999999999', '0x10', '1.5', '-0', '１２３４５６',
  '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----', '=HYPERLINK("http://x")', '山田 太郎', 'ヤマダ タロウ',
];

/** Strings: mostly short and hostile, sometimes plausible, sometimes 64 KiB. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit, maxLength: 24 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', 'あ', '\ud800', '0', '\u0000', '𠀋'), fc.constantFrom(65_536, 70_000)).map(([c, n]) => c.repeat(Math.ceil(n / c.length))) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ unit, maxLength: 4 }), fc.constantFrom('\ud800', '\udfff', '\u0000', '\u001f', '\u007f'), fc.string({ unit, maxLength: 4 })).map((parts) => parts.join('')) },
);

const key = fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'csr', 'reason', 'note', 'applicant', 'noticeId') });

const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1, -1, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, 5e-324, 0.1, 10_001),
);

export const leaf: fc.Arbitrary<unknown> = fc.oneof(text, number, fc.boolean(), fc.constant(null));

/** Arbitrary JSON (as a value; JSON.stringify writes lone surrogates as \ud800 escapes). */
export const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
})).value;

/** Nesting deep enough to break a recursive walker: `[[[…]]]` or `{"a":{"a":…}}`. */
export const deepBody = fc.tuple(fc.constantFrom(100, 5_000, 50_000), fc.constantFrom('array', 'object', 'in-field')).map(([depth, kind]) => {
  if (kind === 'array') return '['.repeat(depth) + ']'.repeat(depth);
  const nested = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  return kind === 'object' ? nested : `{"reason":${nested},"applicant":${nested},"csr":${nested}}`;
});

/** Bodies that are not JSON, or JSON with bytes that are not UTF-8. */
export const rawBody: fc.Arbitrary<string | Buffer> = fc.oneof(
  text,
  fc.constantFrom('{', '[', '{"a":}', '{"a":1,}', 'nul', '"\\ud800"', '{"a":"\\u0000"}', '[1,2', '\ufeff{}', '{}{}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '1'.repeat(400)),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom([0xed, 0xa0, 0x80], [0xff], [0xc0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]).map((bad) => Buffer.concat([Buffer.from('{"reason":"'), Buffer.from(bad), Buffer.from('"}')])),
);

/** A code point as (W)UTF-8 bytes: lone surrogates too, as a careless encoder would write them. */
function wtf8(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}

/** Percent-encodes everything but unreserved characters (lone surrogates as their WTF-8 bytes). */
export function percentEncode(s: string): string {
  let out = '';
  for (const ch of s) {
    if (/^[A-Za-z0-9._~-]$/.test(ch)) out += ch;
    else out += wtf8(ch.codePointAt(0) ?? 0).map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

/** Fragments put on the wire as they are: broken escapes, encoded NUL and surrogates, separators. */
const JUNK = ['%', '%%', '%%%%', '%zz', '%0', '%00', '%C0%80', '%ED%A0%80', '%FF', '%2F', '%2e%2e', '..', '+', '&', '&&', '=', '==', ';', '%3B', '%23', '%3F', '%25', '%u0041', '%E2%80%AE'];

/** A path segment or a query value as it goes on the wire. */
export const wireText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: text.map(percentEncode) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...JUNK), text.map(percentEncode)), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('A', '0', 'a', '%41', '%E3%81%82'), fc.constantFrom(101, 129, 2_000, 10_000)).map(([c, n]) => c.repeat(n)) },
);

/** Where a path parameter's value comes from: something the ledger holds, or anything. */
export type ParamRecipe = { readonly kind: 'known'; readonly pick: number } | { readonly kind: 'wire'; readonly value: string };
export const paramRecipe: fc.Arbitrary<ParamRecipe> = fc.oneof(
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'known' as const, pick })) },
  { weight: 2, arbitrary: wireText.map((value) => ({ kind: 'wire' as const, value })) },
);

/** The query keys any route takes (the fuzz also tries others). */
const QUERY_KEYS = ['purpose', 'minPosition', 'asOf', 'knownAt', 'status', 'limit', 'position', 'treeSize', 'from', 'to', 'residentRecordCode'];
export const queryString: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...QUERY_KEYS) }, { weight: 1, arbitrary: wireText }), fc.option(wireText, { nil: undefined })), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join('&'));

export const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  undefined,
  'text/plain',
  'application/x-ndjson',
  'application/ocsp-request',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/problem+json',
  'APPLICATION/JSON',
  '*/*',
  ';;;',
  'application/json; charset="',
);

export type AuthRecipe = 'admitted' | 'admitted-elsewhere' | 'other-role' | 'none' | 'garbage' | 'expired';
export const authRecipe: fc.Arbitrary<AuthRecipe> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('admitted' as const) },
  { weight: 1, arbitrary: fc.constantFrom('admitted-elsewhere' as const, 'other-role' as const, 'none' as const, 'garbage' as const, 'expired' as const) },
);

/** No key mostly; sometimes one of a few (so keys collide), a fresh one, or one the edge refuses. */
export const idempotencyKey: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2') },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'a b', 'x'.repeat(201), 'ключ', '\t') },
);

/** Characters a store or a signer cannot take, or that change what text means; what `taint` puts into a valid value. */
const TAINT = ['\ud800', '\udbff', '\udc00', '\udfff', '\u0000', '\u0001', '\u0008', '\t', '\n', '\r', '\u001b', '\u001f', '\u007f', '\u0085', '\u2028', '\ufeff', '\ufffe', '\uffff', '\u202e', '\u200b', '%00', '"', '\\'];

/**
 * One change to a valid body: a string field (chosen by the walk) with one bad character put into
 * it (`taint`: still looks valid everywhere else, so it gets as far as the text can go), a field
 * replaced by anything, removed, or a field added.
 */
export interface Mutation {
  readonly walk: readonly number[];
  readonly op: 'taint' | 'replace' | 'remove' | 'add';
  readonly value: unknown;
  readonly key: string;
  readonly taint: { readonly char: string; readonly at: number };
}
export const mutation: fc.Arbitrary<Mutation> = fc.record({
  walk: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
  op: fc.oneof({ weight: 3, arbitrary: fc.constant('taint' as const) }, { weight: 3, arbitrary: fc.constant('replace' as const) }, { weight: 1, arbitrary: fc.constantFrom('remove' as const, 'add' as const) }),
  value: fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: json }),
  key: key,
  taint: fc.record({ char: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TAINT) }, { weight: 1, arbitrary: fc.string({ unit, minLength: 1, maxLength: 3 }) }), at: fc.nat() }),
});

/** Applies a mutation to a copy of a valid JSON body. */
export function mutate(valid: unknown, m: Mutation): unknown {
  const root = structuredClone(valid) as unknown;
  if (typeof root !== 'object' || root === null) return m.value;
  let parent = root as Record<string, unknown>;
  let field: string | undefined;
  for (const step of m.walk) {
    const target = field === undefined ? parent : parent[field];
    if (typeof target !== 'object' || target === null) break;
    const keys = Object.keys(target);
    if (keys.length === 0) break;
    parent = target as Record<string, unknown>;
    field = keys[step % keys.length];
  }
  if (field === undefined) return m.value;
  if (m.op === 'remove') {
    if (Array.isArray(parent)) parent.splice(Number(field), 1);
    else delete parent[field];
  } else if (m.op === 'add' && !Array.isArray(parent)) Object.defineProperty(parent, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  else if (m.op === 'taint') {
    const current = parent[field];
    const was = typeof current === 'string' ? current : JSON.stringify(current) ?? '';
    const at = m.taint.at % (was.length + 1);
    parent[field] = was.slice(0, at) + m.taint.char + was.slice(at);
  } else parent[field] = m.value;
  return root;
}
