/** Every kind of CRL, with either CA key, is one openssl verifies and reads back as we meant it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuingCa } from '../../../../domain/ports/certificate-authority.js';
import { prepareCrl, signCrl, type BuiltCrl, type CrlRequest } from '../../../../infrastructure/ca/crl/certificate-list.js';
import { TAG, childrenOf } from '../../../../infrastructure/ca/der.js';
import { opensslOk } from '../../../support/openssl.js';
import { ALGORITHMS, PARTITION_URL, crlWorkspace, entry, opensslCrlVerify, request, revokedEntries, tbsFields } from './crl-support.js';

const DELTA_URL = 'http://crl.jpki.example/signing/131016-delta.crl';
const KEY_COMPROMISE = entry({ serialNumber: '7A01', reason: 'keyCompromise', invalidityDate: '2025-05-30T00:00:00+09:00' });
const SUPERSEDED = entry({ serialNumber: '7A02', reason: 'superseded' });
const NO_REASON = entry({ serialNumber: '7A03' });
const UNSPECIFIED = entry({ serialNumber: '7A04', reason: 'unspecified' });
const ONLY_INVALIDITY = entry({ serialNumber: '7A05', invalidityDate: '2025-05-29T15:00:00Z' });
/** Top bit set: the INTEGER needs a leading 00 to stay positive. */
const HOLD = entry({ serialNumber: 'F0E1D2C3B4A5968778695A4B3C2D1E0F', reason: 'certificateHold' });
const LIFTED = entry({ serialNumber: HOLD.serialNumber, revocationDate: HOLD.revocationDate, reason: 'removeFromCRL' });

describe.each(ALGORITHMS)('CRLs signed by a %s root', (algorithm) => {
  const workspace = crlWorkspace();
  let ca: IssuingCa & { readonly rootFile: string };
  let otherRootFile: string;

  beforeAll(async () => {
    [ca, { rootFile: otherRootFile }] = await Promise.all([workspace.ca(algorithm), workspace.ca(algorithm)]);
  });
  afterAll(() => workspace.remove());

  async function build(name: string, overrides: Partial<CrlRequest>): Promise<{ crl: BuiltCrl; file: string; text: string }> {
    const crl = await signCrl(prepareCrl(request(ca, overrides)), workspace.store);
    const file = workspace.write(`${name}.crl`, crl.der);
    const verified = opensslCrlVerify(file, ca.rootFile);
    expect(verified.ok, verified.output).toBe(true);
    return { crl, file, text: opensslOk(['crl', '-inform', 'DER', '-in', file, '-noout', '-text']) };
  }

  it('an empty CRL: v2, CRL number, AKI = the root SKI, and no revokedCertificates field at all', async () => {
    const { crl, text } = await build('empty', { crlNumber: 7n });
    expect(text).toMatch(/Version 2 \(0x1\)/);
    expect(text).toMatch(/X509v3 CRL Number: \n\s+7\n/);
    const ski = /X509v3 Subject Key Identifier: \n\s+([0-9A-F:]+)\n/.exec(opensslOk(['x509', '-in', ca.rootFile, '-noout', '-text']))?.[1];
    expect(text).toMatch(new RegExp(`X509v3 Authority Key Identifier: \\n\\s+(?:keyid:)?${ski}\\n`));
    expect(text).toContain('No Revoked Certificates.');
    expect(text).toContain('Last Update: Dec 31 00:00:00 2025 GMT');
    expect(text).toContain('Next Update: Jan  7 00:00:00 2026 GMT');
    expect(crl.entryCount).toBe(0);
    expect(revokedEntries(crl.der)).toHaveLength(0);
  });

  it('a full CRL with mixed entries: reasons, invalidity dates, and entries without either', async () => {
    const { crl, text } = await build('full', { entries: [NO_REASON, SUPERSEDED, HOLD, KEY_COMPROMISE, UNSPECIFIED, ONLY_INVALIDITY] });
    const listed = [...text.matchAll(/Serial Number: ([0-9A-F]+)\n/g)].map((match) => match[1]);
    // Ascending serial order, whatever order they came in; the top-bit serial printed without its sign pad.
    expect(listed).toEqual(['7A01', '7A02', '7A03', '7A04', '7A05', HOLD.serialNumber]);
    const block = (serial: string): string => text.slice(text.indexOf(`Serial Number: ${serial}`)).split(/\n\s+Serial Number|\n\s+Signature Algorithm/)[0]!;
    expect(block('7A01')).toContain('Revocation Date: Jun  1 00:30:00 2025 GMT');
    expect(block('7A01')).toMatch(/X509v3 CRL Reason Code: \n\s+Key Compromise\n\s+Invalidity Date: \n\s+May 29 15:00:00 2025 GMT/);
    expect(block('7A02')).toMatch(/X509v3 CRL Reason Code: \n\s+Superseded/);
    expect(block(HOLD.serialNumber)).toMatch(/X509v3 CRL Reason Code: \n\s+Certificate Hold/);
    expect(block('7A05')).toMatch(/CRL entry extensions:\n\s+Invalidity Date: \n\s+May 29 15:00:00 2025 GMT/);
    expect(block('7A05')).not.toContain('Reason Code');
    // No reason, and `unspecified` (RFC 5280 §5.3.1: absent rather than unspecified): no entry extensions at all.
    for (const serial of ['7A03', '7A04']) expect(block(serial)).not.toContain('CRL entry extensions');

    const entries = revokedEntries(crl.der).map((revoked) => childrenOf(revoked));
    expect(entries.map((fields) => fields.length)).toEqual([3, 3, 2, 2, 3, 3]);
    // Each present crlEntryExtensions holds at least one extension: never an empty SEQUENCE.
    for (const fields of entries.filter((f) => f.length === 3)) expect(childrenOf(fields[2]!).length).toBeGreaterThan(0);
    expect(Buffer.from(entries[5]![0]!.bytes).toString('hex')).toBe(`021100${HOLD.serialNumber.toLowerCase()}`);
    expect(crl.entryCount).toBe(6);
  });

  it('a partition CRL carries a critical IDP with the partition URL, for user certificates only, and where its deltas are', async () => {
    const { text } = await build('partition', { entries: [SUPERSEDED], issuingDistributionPoint: PARTITION_URL, freshestCrl: DELTA_URL });
    // openssl 3.0 prints "Only User Certificates" on the URI's line.
    expect(text).toMatch(new RegExp(`X509v3 Issuing Distribution Point: critical\\n\\s+Full Name:\\n\\s+URI:${PARTITION_URL}\\s+Only User Certificates\\n`));
    expect(text).toMatch(new RegExp(`X509v3 Freshest CRL: \\n\\s+Full Name:\\n\\s+URI:${DELTA_URL}\\n`));
  });

  it('a delta CRL names its base in a critical Delta CRL Indicator and lists a lifted hold as removeFromCRL', async () => {
    const { text } = await build('delta', { crlNumber: 11n, deltaOf: 10n, entries: [LIFTED], issuingDistributionPoint: PARTITION_URL });
    expect(text).toMatch(/X509v3 CRL Number: \n\s+11\n/);
    expect(text).toMatch(/X509v3 Delta CRL Indicator: critical\n\s+10\n/);
    expect(text).toMatch(/X509v3 CRL Reason Code: \n\s+Remove From CRL\n/);
    expect(text).toContain('X509v3 Issuing Distribution Point: critical');
  });

  it('CRL numbers beyond 2^53 survive exactly, up to the 20-octet limit', async () => {
    const { text: above53 } = await build('number-2-63', { crlNumber: 2n ** 63n + 5n });
    expect(above53).toMatch(/X509v3 CRL Number: \n\s+9223372036854775813\n/);
    const largest = 2n ** 159n - 1n;
    const { text: widest } = await build('number-max', { crlNumber: largest, deltaOf: largest - 1n });
    expect(widest).toMatch(new RegExp(`X509v3 CRL Number: \\n\\s+(?:${largest}|0x${largest.toString(16).toUpperCase()})\\n`));
  });

  it('times from 2050 on are GeneralizedTime, up to 2049 UTCTime', async () => {
    const { crl, text } = await build('generalized', {
      thisUpdate: '2049-12-31T23:59:59Z',
      nextUpdate: '2050-01-01T00:00:00Z',
      entries: [entry({ serialNumber: '01', revocationDate: '2050-01-01T08:59:59+09:00' }), entry({ serialNumber: '02', revocationDate: '2050-01-01T09:00:00+09:00' })],
    });
    expect(text).toContain('Last Update: Dec 31 23:59:59 2049 GMT');
    expect(text).toContain('Next Update: Jan  1 00:00:00 2050 GMT');
    const [, , , thisUpdate, nextUpdate] = tbsFields(crl.der);
    const revocationDates = revokedEntries(crl.der).map((revoked) => childrenOf(revoked)[1]!);
    expect([thisUpdate!, nextUpdate!, ...revocationDates].map((time) => [time.tag, Buffer.from(time.content).toString()])).toEqual([
      [TAG.utcTime, '491231235959Z'],
      [TAG.generalizedTime, '20500101000000Z'],
      [TAG.utcTime, '491231235959Z'],
      [TAG.generalizedTime, '20500101000000Z'],
    ]);
  });

  it('does not verify against another root', async () => {
    const crl = await signCrl(prepareCrl(request(ca)), workspace.store);
    expect(opensslCrlVerify(workspace.write('foreign.crl', crl.der), otherRootFile).ok).toBe(false);
  });
});
