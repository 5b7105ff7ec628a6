/** prepareCrl/signCrl as an auditor and a caller see them: reproducible bytes, honest hashes, clear refusals. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuingCa } from '../../../../domain/ports/certificate-authority.js';
import type { Signer } from '../../../../domain/ports/signer.js';
import { prepareCrl, signCrl, type CrlEntry } from '../../../../infrastructure/ca/crl/certificate-list.js';
import { TAG, childrenOf, readSingle } from '../../../../infrastructure/ca/der.js';
import { crlWorkspace, entry, request } from './crl-support.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const ENTRIES: readonly CrlEntry[] = [
  entry({ serialNumber: '0F', reason: 'keyCompromise', invalidityDate: '2025-05-01T00:00:00Z' }),
  entry({ serialNumber: '10' }),
  entry({ serialNumber: '7F00', reason: 'cessationOfOperation' }),
  entry({ serialNumber: '80', reason: 'affiliationChanged' }),
  entry({ serialNumber: '0100', reason: 'privilegeWithdrawn' }),
  entry({ serialNumber: '3FB32CC07C06C4416103BB26891C69CC', reason: 'cACompromise' }),
  entry({ serialNumber: 'FF', reason: 'aACompromise' }),
];

describe('prepareCrl and signCrl', () => {
  const workspace = crlWorkspace();
  let rsa: IssuingCa;
  let ecdsa: IssuingCa;

  beforeAll(async () => {
    [rsa, ecdsa] = await Promise.all([workspace.ca('RSA-2048'), workspace.ca('ECDSA-P256')]);
  });
  afterAll(() => workspace.remove());

  it('are deterministic: the same request gives the same bytes (the whole CRL with RSA PKCS#1 v1.5)', async () => {
    const first = await signCrl(prepareCrl(request(rsa, { entries: ENTRIES, crlNumber: 42n })), workspace.store);
    const second = await signCrl(prepareCrl(request(rsa, { entries: ENTRIES, crlNumber: 42n })), workspace.store);
    expect(Buffer.from(second.der).equals(first.der)).toBe(true);
    expect(second.sha256).toBe(first.sha256);
    // ECDSA signatures are randomised, but what was signed is not.
    expect(prepareCrl(request(ecdsa, { entries: ENTRIES })).tbsSha256).toBe(prepareCrl(request(ecdsa, { entries: ENTRIES })).tbsSha256);
  });

  it('list entries in ascending serial order whatever order they come in', async () => {
    const shuffled = [ENTRIES[3]!, ENTRIES[6]!, ENTRIES[0]!, ENTRIES[5]!, ENTRIES[2]!, ENTRIES[1]!, ENTRIES[4]!];
    const prepared = prepareCrl(request(rsa, { entries: shuffled }));
    expect(Buffer.from(prepared.tbs).equals(prepareCrl(request(rsa, { entries: ENTRIES })).tbs)).toBe(true);
    const fields = childrenOf(readSingle(prepared.tbs, TAG.sequence));
    const serials = childrenOf(fields[5]!).map((revoked) => Buffer.from(childrenOf(revoked)[0]!.content).toString('hex').toUpperCase());
    expect(serials).toEqual(['0F', '10', '0080', '00FF', '0100', '7F00', '3FB32CC07C06C4416103BB26891C69CC']);
  });

  it('sort a large shuffled list into the same order, ties in the leading bits included', () => {
    // Serials that share their first six octets tie on the sort key and are told apart in full.
    const common = 'C0FFEE123456';
    const many = Array.from({ length: 3000 }, (_, i) => entry({ serialNumber: `${i % 2 ? common : '11'}${(i * 7919).toString(16).toUpperCase().padStart(8, '0')}` }));
    const reversed = [...many].reverse();
    expect(prepareCrl(request(rsa, { entries: reversed })).tbsSha256).toBe(prepareCrl(request(rsa, { entries: many })).tbsSha256);
    const sorted = [...many].sort((a, b) => (BigInt(`0x${a.serialNumber}`) < BigInt(`0x${b.serialNumber}`) ? -1 : 1));
    expect(prepareCrl(request(rsa, { entries: sorted })).tbsSha256).toBe(prepareCrl(request(rsa, { entries: many })).tbsSha256);
  });

  it('sign the same prepared CRL twice into two whole CRLs, the first left as it was (ECDSA: signatures of different lengths)', async () => {
    const prepared = prepareCrl(request(ecdsa, { entries: ENTRIES }));
    const first = await signCrl(prepared, workspace.store);
    const firstBytes = Buffer.from(first.der);
    const second = await signCrl(prepared, workspace.store);
    expect(Buffer.from(first.der).equals(firstBytes)).toBe(true);
    expect(sha256(first.der)).toBe(first.sha256);
    for (const crl of [first, second]) {
      const [tbs, algorithm, signature, ...rest] = childrenOf(readSingle(crl.der, TAG.sequence));
      expect(Buffer.from(tbs!.bytes).equals(prepared.tbs)).toBe(true);
      expect([algorithm?.tag, signature?.tag, rest.length]).toEqual([TAG.sequence, TAG.bitString, 0]);
    }
  });

  it('return the SHA-256 of the TBSCertList that is inside the DER, and of the DER', async () => {
    const prepared = prepareCrl(request(ecdsa, { entries: ENTRIES }));
    const crl = await signCrl(prepared, workspace.store);
    const [tbs] = childrenOf(readSingle(crl.der, TAG.sequence));
    expect(Buffer.from(tbs!.bytes).equals(prepared.tbs)).toBe(true);
    expect(crl.tbsSha256).toBe(sha256(tbs!.bytes));
    expect(crl.tbsSha256).toBe(prepared.tbsSha256);
    expect(crl.sha256).toBe(sha256(crl.der));
    expect(crl.entryCount).toBe(ENTRIES.length);
  });

  it('sign exactly the prepared bytes through the Signer, and refuse a signature that does not verify', async () => {
    const prepared = prepareCrl(request(rsa));
    const signed: Uint8Array[] = [];
    const recording: Signer = { sign: async (keyId, data) => (signed.push(data), workspace.store.sign(keyId, data)) };
    await signCrl(prepared, recording);
    expect(signed).toHaveLength(1);
    expect(Buffer.from(signed[0]!).equals(prepared.tbs)).toBe(true);

    const otherKey: Signer = { sign: async (_keyId, data) => workspace.store.sign(ecdsa.keyId, data) };
    await expect(signCrl(prepared, otherKey)).rejects.toThrow(/does not verify with the CA's public key/);
  });

  it('refuse to sign a TBSCertList altered after its hash was taken', async () => {
    const prepared = prepareCrl(request(rsa, { entries: ENTRIES }));
    const altered = Uint8Array.from(prepared.tbs);
    altered[altered.length - 1]! ^= 1;
    await expect(signCrl({ ...prepared, tbs: altered }, workspace.store)).rejects.toThrow(/does not match its recorded SHA-256/);
  });

  describe('refuse, saying why', () => {
    const refusals: [string, (ca: IssuingCa) => Parameters<typeof prepareCrl>[0], RegExp][] = [
      ['a serial listed twice', (ca) => request(ca, { entries: [entry({ serialNumber: '0A' }), entry({ serialNumber: '0B' }), entry({ serialNumber: '0A' })] }), /CRL entry 0A: the serial number is listed twice/],
      ['a serial listed twice, in order', (ca) => request(ca, { entries: [entry({ serialNumber: '0A' }), entry({ serialNumber: '0A' })] }), /CRL entry 0A: the serial number is listed twice/],
      ['a lowercase serial', (ca) => request(ca, { entries: [entry({ serialNumber: '0a' })] }), /CRL entry "0a": serialNumber must be uppercase hex/],
      ['an odd-length serial', (ca) => request(ca, { entries: [entry({ serialNumber: 'ABC' })] }), /CRL entry "ABC": serialNumber must be uppercase hex with an even number of digits/],
      ['a serial with a leading 00', (ca) => request(ca, { entries: [entry({ serialNumber: '0080' })] }), /no leading 00/],
      ['an empty serial', (ca) => request(ca, { entries: [entry({ serialNumber: '' })] }), /serialNumber must be uppercase hex/],
      ['a serial over 20 octets', (ca) => request(ca, { entries: [entry({ serialNumber: `80${'00'.repeat(19)}` })] }), /longer than 20 octets/],
      ['nextUpdate equal to thisUpdate', (ca) => request(ca, { nextUpdate: '2025-12-31T09:00:00+09:00' }), /nextUpdate .* must be after thisUpdate/],
      ['nextUpdate before thisUpdate', (ca) => request(ca, { nextUpdate: '2025-12-30T00:00:00Z' }), /nextUpdate .* must be after thisUpdate/],
      ['fractional seconds in thisUpdate', (ca) => request(ca, { thisUpdate: '2025-12-31T00:00:00.5Z' }), /thisUpdate must be whole seconds/],
      ['fractional seconds in a revocation date', (ca) => request(ca, { entries: [entry({ serialNumber: '01', revocationDate: '2025-06-01T00:00:00.001Z' })] }), /CRL entry "01": revocationDate must be whole seconds/],
      ['a date that does not exist', (ca) => request(ca, { entries: [entry({ serialNumber: '01', invalidityDate: '2025-02-29T00:00:00Z' })] }), /invalidityDate must be an ISO instant/],
      ['a time without an offset', (ca) => request(ca, { thisUpdate: '2025-12-31T00:00:00' }), /thisUpdate must be an ISO instant with whole seconds and an offset/],
      ['a year UTCTime cannot hold', (ca) => request(ca, { thisUpdate: '1949-12-31T23:59:59Z' }), /thisUpdate must be an ISO instant .*1950/],
      ['an unknown reason', (ca) => request(ca, { entries: [entry({ serialNumber: '01', reason: 'lost' as never })] }), /unknown reason "lost"/],
      ['removeFromCRL on a complete CRL', (ca) => request(ca, { entries: [entry({ serialNumber: '01', reason: 'removeFromCRL' })] }), /removeFromCRL belongs on a delta CRL only/],
      ['a delta whose base is not older', (ca) => request(ca, { crlNumber: 5n, deltaOf: 5n }), /must be above its base CRL's/],
      ['a Freshest CRL on a delta', (ca) => request(ca, { crlNumber: 6n, deltaOf: 5n, freshestCrl: 'http://crl.example/delta.crl' }), /freshestCrl belongs on a complete CRL/],
      ['a negative CRL number', (ca) => request(ca, { crlNumber: -1n }), /crlNumber must not be negative/],
      ['a CRL number over 20 octets', (ca) => request(ca, { crlNumber: 2n ** 159n }), /crlNumber is longer than 20 octets/],
      ['a partition URL with a space', (ca) => request(ca, { issuingDistributionPoint: 'http://crl.example/a b.crl' }), /issuingDistributionPoint must be a printable ASCII URL/],
      ['a CA whose key id is not its certificate key', (ca) => request({ ...ca, keyId: ecdsa.keyId }), /is not the key of the CA certificate/],
    ];
    it.each(refusals)('%s', (_name, make, message) => {
      expect(() => prepareCrl(make(rsa))).toThrow(message);
    });
  });
});
