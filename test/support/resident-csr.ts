/**
 * A resident's key pair and PKCS#10 request, as the counter's key-pair generator would make them.
 */
import '../../infrastructure/ca/x509-bootstrap.js';
import { webcrypto } from 'node:crypto';
import { Pkcs10CertificateRequestGenerator } from '@peculiar/x509';

export type ResidentKeyKind = 'RSA-2048' | 'ECDSA-P256';

const ALGORITHMS = {
  'RSA-2048': {
    generate: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
  'ECDSA-P256': { generate: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
} as const;

export async function residentCsr(kind: ResidentKeyKind = 'RSA-2048'): Promise<string> {
  const algorithm = ALGORITHMS[kind];
  const keys = (await webcrypto.subtle.generateKey(algorithm.generate, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const csr = await Pkcs10CertificateRequestGenerator.create({ name: 'CN=resident', keys, signingAlgorithm: algorithm.sign as never });
  return csr.toString('pem');
}
