import { randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson, computeHash, GENESIS_HASH, hashInput, sealEvents, sha256Hex } from '../../../infrastructure/event-store/envelope.js';
import { deriveEventId } from '../../../infrastructure/event-store/event-ids.js';

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
});
