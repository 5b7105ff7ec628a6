/**
 * Which resident keys the CA accepts: RSA of at least 2048 bits with an odd public exponent of at
 * least 65537 (NIST SP 800-89: 2^16 < e < 2^256; JPKI cards use 65537), or ECDSA on P-256 or P-384.
 * The request must prove possession of the private key (its self-signature verifies).
 */
import type { CsrFacts } from '../ports/certificate-authority.js';
import { policyViolation, type DomainError } from '../shared/errors.js';

const CURVES = ['P-256', 'P-384'];

export function describeKey(facts: CsrFacts): string {
  const key = facts.publicKey;
  if (key.kind === 'rsa') return `RSA-${key.modulusBits} e=${key.publicExponent}`;
  if (key.kind === 'ec') return `ECDSA ${key.namedCurve}`;
  return key.algorithm;
}

export function judgePublicKey(facts: CsrFacts): DomainError | undefined {
  // An algorithm the CA does not take is refused as such, whether or not its signature could be checked.
  const key = facts.publicKey;
  if (key.kind === 'ec' && !CURVES.includes(key.namedCurve)) {
    return policyViolation('public-key-algorithm-refused', `ECDSA keys must be on P-256 or P-384, not ${key.namedCurve}.`, 'csr');
  }
  if (key.kind !== 'rsa' && key.kind !== 'ec') {
    return policyViolation('public-key-algorithm-refused', `Keys must be RSA (≥ 2048 bits) or ECDSA P-256/P-384, not ${key.algorithm}.`, 'csr');
  }
  if (!facts.proofOfPossession) {
    return policyViolation('proof-of-possession-failed', 'The CSR’s signature does not verify with the public key it carries.', 'csr');
  }
  if (key.kind === 'rsa') {
    if (key.modulusBits < 2048) return policyViolation('public-key-too-weak', `RSA keys need at least 2048 bits; this one has ${key.modulusBits}.`, 'csr');
    if (key.publicExponent % 2 === 0 || key.publicExponent < 65537) {
      return policyViolation('public-key-too-weak', `The RSA public exponent must be odd and at least 65537; it is ${key.publicExponent}.`, 'csr');
    }
  }
  return undefined;
}
