import { randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson, computeHash, envelopeMetadata, GENESIS_HASH, hashInput, sealEvents, sha256Hex } from '../../../infrastructure/event-store/envelope.js';
import { v5 as uuidv5 } from 'uuid';
import { deriveEventId, EVENT_ID_NAMESPACE } from '../../../infrastructure/event-store/event-ids.js';

const metadata = { actor: { id: 'clerk-1', role: 'municipal-clerk', organisation: '131016' }, correlationId: 'c', causationId: 'k' };

describe('the envelope hash', () => {
  const samples = [
    { stream: 'application-1', revision: 0n, type: 'ApplicationSubmitted', data: { personal: { name: '山田　太郎', address: '東京都千代田区一丁目１番' }, n: 1.5 } },
    { stream: 'certificate-0A1B', revision: 2n ** 60n, type: 'CertificateRevoked', data: { reason: 'keyCompromise', z: [3, 'ｱ', null, true], a: { y: 1e21, x: -0 } } },
    { stream: 'weird "stream" \\ \u2028', revision: 7n, type: 'T\u00e9st', data: { '\u20ac': 'euro', '\ud83d\ude00': 'emoji', b: 'é' } },
  ];

  it.each(samples)('composes RFC 8785 canonical JSON exactly as canonicalising the whole object ($stream)', (sample) => {
    const meta = { ...metadata, recordedAt: '2026-11-25T00:00:00.000Z', schemaVersion: 1, prevHash: GENESIS_HASH };
    const composed = hashInput(sample.stream, sample.revision, sample.type, canonicalJson(sample.data), canonicalJson(meta));
    const whole = canonicalize({ stream: sample.stream, revision: sample.revision.toString(), type: sample.type, data: sample.data, metadata: meta });
    expect(composed).toBe(whole);
  });

  it('matches a SHA-256 computed independently over the canonical text', () => {
    const meta = { ...metadata, recordedAt: '2026-11-25T00:00:00.000Z', schemaVersion: 1, prevHash: GENESIS_HASH };
    const expected = sha256Hex(
      `{"data":{"a":1,"b":"x"},"metadata":{"actor":{"id":"clerk-1","organisation":"131016","role":"municipal-clerk"},"causationId":"k","correlationId":"c","prevHash":"${GENESIS_HASH}","recordedAt":"2026-11-25T00:00:00.000Z","schemaVersion":1},"revision":"0","stream":"s-1","type":"X"}`,
    );
    expect(computeHash('s-1', 0n, 'X', canonicalJson({ b: 'x', a: 1 }), canonicalJson(meta))).toBe(expected);
  });

  it('chains a batch: each event names the previous hash, the first names the given one', () => {
    const events = [0, 1, 2].map((i) => ({ id: randomUUID(), type: 'X', schemaVersion: 1, data: { i }, metadata }));
    const sealed = sealEvents('s-1', 5n, 'ab'.repeat(32), events, '2026-11-25T00:00:00.000Z');
    expect(sealed.map((e) => e.revision)).toEqual([5n, 6n, 7n]);
    expect(sealed[0]?.metadata.prevHash).toBe('ab'.repeat(32));
    expect(sealed[1]?.metadata.prevHash).toBe(sealed[0]?.metadata.hash);
    expect(sealed[2]?.metadata.prevHash).toBe(sealed[1]?.metadata.hash);
    expect(new Set(sealed.map((e) => e.metadata.hash)).size).toBe(3);
  });

  it('refuses data that has no exact JSON form', () => {
    const event = { id: randomUUID(), type: 'X', schemaVersion: 1, data: { n: Number.POSITIVE_INFINITY }, metadata };
    expect(() => sealEvents('s-1', 0n, GENESIS_HASH, [event], '2026-11-25T00:00:00.000Z')).toThrow();
  });
});

describe('event ids', () => {
  it('are the same for the same idempotency key, stream and index, and differ otherwise', () => {
    const id = deriveEventId('key-1', 'application-1', 0);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveEventId('key-1', 'application-1', 0)).toBe(id);
    expect(new Set([id, deriveEventId('key-2', 'application-1', 0), deriveEventId('key-1', 'application-2', 0), deriveEventId('key-1', 'application-1', 1)]).size).toBe(4);
  });

  it('are the RFC 9562 version-5 UUIDs the uuid package derives from the same name (ids already stored stay valid)', () => {
    const keys = ['key-1', 'registry-change/N-000001/revoke/0A1B', '山田　太郎 🙂', '', 'x'.repeat(300)];
    for (const [i, key] of keys.entries()) {
      expect(deriveEventId(key, `stream-${i}`, i)).toBe(uuidv5(`${key}\nstream-${i}\n${i}`, EVENT_ID_NAMESPACE));
    }
    expect(EVENT_ID_NAMESPACE).toBe(uuidv5('jpki-ledger/event-id', uuidv5.URL));
  });
});

describe('canonical JSON', () => {
  const cases: unknown[] = [
    { b: 1, a: [1, 'x', null, true, false, { d: 2, c: 1 }], 'é': 'ü', '\u20ac': 1, '\ud83d\ude00': 2, A: 0 },
    { numbers: [0, -0, 1e21, 1e-7, 123456789012345680000, 0.1 + 0.2, -1.5e-300, 2 ** 53] },
    { strings: ['\u0000\u001f\t\n"\\/', '\u2028\u2029', '山田　太郎', '\ud83d\ude00 pair'] },
    { nested: { deeper: { deepest: [[], {}, [{}]] } }, skipped: undefined, arr: [undefined, 1] },
    [],
    'plain',
    42,
    null,
  ];
  it.each(cases)('matches the reference implementation (canonicalize) for %j', (value) => {
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('matches the reference implementation on many generated values', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = ['a', 'Z', '0', ' ', '"', '\\', '\n', 'é', '山', '\ud83d\ude00', '\u0001', '~'];
    const str = () => Array.from({ length: Math.floor(rand() * 6) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    const gen = (depth: number): unknown => {
      const kind = Math.floor(rand() * (depth > 3 ? 4 : 6));
      if (kind === 0) return str();
      if (kind === 1) return (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
      if (kind === 2) return rand() < 0.5;
      if (kind === 3) return null;
      if (kind === 4) return Array.from({ length: Math.floor(rand() * 4) }, () => gen(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 5) }, () => [str(), gen(depth + 1)]));
    };
    for (let i = 0; i < 2000; i++) {
      const value = gen(0);
      expect(canonicalJson(value)).toBe(canonicalize(value));
    }
  });

  it.each([
    { already: 'sorted', nested: { a: 1, b: [{ x: 1, y: null }] } },
    { z: { b: 1, a: 2 }, a: [{ d: 1, c: 2 }, 3] },
    { '10': 'index-like keys', '9': 1, b: 2, a: { '2': 0, '1': 0 } },
    { text: 'a literal \\ud800 is six characters', when: new Date('2026-11-25T00:00:00.000Z') },
    { inner: { toJSON: () => ({ b: 1, a: 2 }) } },
  ])('takes the fast road or the member-by-member one to the same text as the reference: %j', (value) => {
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('does not reorder the caller\'s objects while putting members in order', () => {
    const value = { b: 1, a: { d: 1, c: 2 } };
    canonicalJson(value);
    expect(Object.keys(value)).toEqual(['b', 'a']);
    expect(Object.keys(value.a)).toEqual(['d', 'c']);
  });

  it('writes absent array members as null, as JSON.stringify does', () => {
    expect(canonicalJson([undefined, () => 1, 2])).toBe(JSON.stringify([undefined, () => 1, 2]));
  });

  it('refuses lone surrogates and non-finite numbers', () => {
    expect(() => canonicalJson({ s: 'bad \ud800 half' })).toThrow(/lone surrogate/);
    expect(() => canonicalJson({ s: 'bad \udc00' })).toThrow(/lone surrogate/);
    expect(() => canonicalJson({ a: 1, b: ['sorted, then a lone \udfff'] })).toThrow(/lone surrogate/);
    expect(() => canonicalJson([Number.NaN])).toThrow(/NaN/);
    expect(() => canonicalJson({ n: Number.NEGATIVE_INFINITY })).toThrow(/Infinity/);
  });
});

describe('envelope metadata', () => {
  it.each([
    { ...metadata },
    { ...metadata, idempotencyKey: 'key-山-1' },
    { ...metadata, actor: { id: 'x"y', role: 'r\\', organisation: '\u2028' } },
  ])('writes canonical JSON of exactly the envelope fields: %j', (input) => {
    const { metadata: built, text } = envelopeMetadata({ ...input, extra: 'dropped' } as unknown as typeof input, 3, '2026-11-25T01:02:03.004Z', 'ff'.repeat(32));
    expect(text).toBe(canonicalJson(built));
    expect(built).not.toHaveProperty('extra');
    expect(JSON.parse(text)).toEqual(built);
  });
});
