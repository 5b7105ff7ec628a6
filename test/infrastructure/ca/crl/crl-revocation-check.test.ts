/**
 * openssl's own revocation check (`verify -crl_check`) reads our CRLs as a relying party would: a
 * listed leaf is revoked, an unlisted one is fine, a partition CRL counts only for the leaves whose
 * first CRL distribution point it names, and a delta CRL lifts a hold from its base.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuingCa } from '../../../../domain/ports/certificate-authority.js';
import { prepareCrl, signCrl, type CrlRequest } from '../../../../infrastructure/ca/crl/certificate-list.js';
import { X509CertificateAuthority } from '../../../../infrastructure/ca/x509-certificate-authority.js';
import { openssl, toPem } from '../../../support/openssl.js';
import { VERIFY_AT, randomSerial, residentKey, signingRequest } from '../fixtures.js';
import { ALGORITHMS, PARTITION_URL, crlPem, crlWorkspace, entry, request } from './crl-support.js';

const DELTA_URL = 'http://crl.jpki.example/signing/131016-delta.crl';

describe.each(ALGORITHMS)('openssl verify -crl_check with CRLs from a %s root', (algorithm) => {
  const workspace = crlWorkspace();
  const authority = new X509CertificateAuthority(workspace.store);
  let ca: IssuingCa & { readonly rootFile: string };
  const revoked = { serial: randomSerial(), file: '' };
  const held = { serial: randomSerial(), file: '' };
  const good = { serial: randomSerial(), file: '' };

  beforeAll(async () => {
    ca = await workspace.ca(algorithm);
    const { spki } = await residentKey('ECDSA-P256');
    for (const leaf of [revoked, held, good]) {
      // The fixtures' leaves name PARTITION_URL first, then the full CRL.
      const certificate = await authority.sign(ca, await authority.prepare(ca, signingRequest(spki, { serialNumber: leaf.serial })));
      leaf.file = workspace.write(`leaf-${leaf.serial}.pem`, toPem(certificate));
    }
  });
  afterAll(() => workspace.remove());

  async function crlFile(name: string, overrides: Partial<CrlRequest>): Promise<string> {
    const crl = await signCrl(prepareCrl(request(ca, overrides)), workspace.store);
    return workspace.write(`${name}.pem`, crlPem(crl.der));
  }

  function verify(leafFile: string, crlFiles: readonly string[], flags: readonly string[] = []): string {
    const result = openssl(['verify', '-crl_check', ...flags, '-attime', VERIFY_AT, '-CAfile', ca.rootFile, ...crlFiles.flatMap((file) => ['-CRLfile', file]), leafFile]);
    return result.stdout + result.stderr;
  }

  const revocations = (): CrlRequest['entries'] => [entry({ serialNumber: revoked.serial, reason: 'keyCompromise', invalidityDate: '2025-05-01T00:00:00Z' }), entry({ serialNumber: held.serial, reason: 'certificateHold' })];

  it('a full CRL: the listed leaves are revoked, the other is OK', async () => {
    const full = await crlFile('full', { entries: revocations() });
    expect(verify(revoked.file, [full])).toContain('certificate revoked');
    expect(verify(held.file, [full])).toContain('certificate revoked');
    expect(verify(good.file, [full])).toBe(`${good.file}: OK\n`);
  });

  it("a partition CRL whose IDP is the leaves' first CRL distribution point counts for them", async () => {
    const partition = await crlFile('partition', { entries: revocations(), issuingDistributionPoint: PARTITION_URL });
    expect(verify(revoked.file, [partition])).toContain('certificate revoked');
    expect(verify(good.file, [partition])).toBe(`${good.file}: OK\n`);
  });

  it("another municipality's partition CRL does not count for them: openssl calls it a different CRL scope", async () => {
    const elsewhere = await crlFile('elsewhere', { entries: revocations(), issuingDistributionPoint: 'http://crl.jpki.example/signing/271004.crl' });
    expect(verify(revoked.file, [elsewhere])).toContain('different CRL scope');
    expect(verify(good.file, [elsewhere])).toContain('different CRL scope');
  });

  it('a delta CRL with removeFromCRL lifts the hold listed on its base, read with -use_deltas', async () => {
    // openssl looks for deltas only when the base CRL (or the certificate) names them in a Freshest CRL extension.
    const base = await crlFile('base', { crlNumber: 10n, entries: revocations(), issuingDistributionPoint: PARTITION_URL, freshestCrl: DELTA_URL });
    const delta = await crlFile('delta', {
      crlNumber: 11n,
      deltaOf: 10n,
      entries: [entry({ serialNumber: held.serial, reason: 'removeFromCRL' })],
      issuingDistributionPoint: PARTITION_URL,
    });
    expect(verify(held.file, [base, delta])).toContain('certificate revoked'); // without -use_deltas the delta is ignored
    expect(verify(held.file, [base, delta], ['-use_deltas'])).toBe(`${held.file}: OK\n`);
    expect(verify(revoked.file, [base, delta], ['-use_deltas'])).toContain('certificate revoked');
    // Without the Freshest CRL extension on the base, openssl never consults the delta.
    const silentBase = await crlFile('silent-base', { crlNumber: 10n, entries: revocations(), issuingDistributionPoint: PARTITION_URL });
    expect(verify(held.file, [silentBase, delta], ['-use_deltas'])).toContain('certificate revoked');
  });
});
