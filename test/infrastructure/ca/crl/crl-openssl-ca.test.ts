/**
 * Against `openssl ca -gencrl` given the same revocations: openssl writes the revokedCertificates
 * field byte for byte as we do (same order, same INTEGERs, times and entry extensions).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareCrl, signCrl } from '../../../../infrastructure/ca/crl/certificate-list.js';
import { crlWorkspace, opensslCaGencrl, randomEntries, request, revokedEntries } from './crl-support.js';

describe('the revokedCertificates field', () => {
  const workspace = crlWorkspace();
  afterAll(() => workspace.remove());

  it('is byte for byte the one openssl ca -gencrl writes for the same revocations', async () => {
    const ca = await workspace.ca('RSA-2048');
    const entries = randomEntries(2000);
    const ours = await signCrl(prepareCrl(request(ca, { entries })), workspace.store);
    const theirs = opensslCaGencrl(join(workspace.path, 'openssl-ca'), entries, { certificate: ca.certificate, keyFile: join(workspace.path, 'keys', `${ca.keyId}.p8`) });
    const field = (der: Uint8Array): Buffer => Buffer.concat(revokedEntries(der).map((entry) => entry.bytes));
    expect(revokedEntries(theirs.der)).toHaveLength(2000);
    expect(field(ours.der).equals(field(theirs.der))).toBe(true);
  });
});
