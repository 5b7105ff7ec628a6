/**
 * The certification authority as the application services see it: inspect a resident's CSR, build
 * what is about to be signed (so that its hash can be recorded first), sign it. X.509 encoding and
 * keys live in infrastructure/ca; private keys sit behind a signer that only ever "signs these
 * bytes with this key id" (file-based PKCS#8 now, a PKCS#11 HSM later).
 *
 * Binary values cross this port as base64 DER strings, so that they go into events unchanged.
 */

export type CertificateType = 'signing' | 'user-authentication';
export type KeyAlgorithm = 'RSA-2048' | 'ECDSA-P256';

/** What a PKCS#10 request says about the key it carries; the decider judges it. */
export type PublicKeyFacts =
  | { readonly kind: 'rsa'; readonly modulusBits: number; readonly publicExponent: number }
  | { readonly kind: 'ec'; readonly namedCurve: string }
  | { readonly kind: 'other'; readonly algorithm: string };

export interface CsrFacts {
  readonly publicKey: PublicKeyFacts;
  /** base64 of the SubjectPublicKeyInfo DER. */
  readonly subjectPublicKeyInfo: string;
  /** Hex SHA-256 of the SubjectPublicKeyInfo DER: the key's identity for duplicate detection. */
  readonly publicKeySha256: string;
  /** Whether the request's self-signature verifies with the key it carries (proof of possession). */
  readonly proofOfPossession: boolean;
}

export type CsrInspection = { readonly ok: true; readonly facts: CsrFacts } | { readonly ok: false; readonly reason: string };

/** The personal attributes of a signing certificate, as they go into the SAN otherNames 1.2.392.200149.8.5.5.1–.6. */
export interface PersonalAttributes {
  /** .1 surname, full-width space, given name (JIS-representable form). */
  readonly name: string;
  /** .2 one character per name character: '1' substituted, '0' not. */
  readonly nameFlags: string;
  /** .3 JIS X 0303: '1' male, '2' female, '9' not applicable. */
  readonly sex: '1' | '2' | '9';
  /** .4 era digit + YYYYMMDD of the era-free Gregorian date, e.g. '419900615'. */
  readonly dateOfBirth: string;
  /** .5 address (JIS-representable form). */
  readonly address: string;
  /** .6 flags for the address, as for the name. */
  readonly addressFlags: string;
}

export interface LeafRequest {
  readonly type: CertificateType;
  /** Uppercase hex without separators, positive, at least 64 bits of randomness. */
  readonly serialNumber: string;
  /** ISO instants. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** Signing: C=JP, L=<prefecture>, L=<city>, CN=<issuance request id>. User authentication: C=JP, CN=<opaque id>. */
  readonly subject: { readonly localities: readonly string[]; readonly commonName: string };
  /** Present for signing certificates only. */
  readonly personal?: PersonalAttributes;
  /** base64 SubjectPublicKeyInfo DER, from the CSR. */
  readonly subjectPublicKeyInfo: string;
  /** The municipality's partition URL, then the full CRL URL. */
  readonly crlDistributionPoints: readonly string[];
  readonly ocspUrl: string;
  readonly caIssuersUrl: string;
  readonly policyOid: string;
  readonly cpsUri: string;
}

/** A certificate built and not yet signed: record `tbsSha256` before asking for the signature. */
export interface PreparedCertificate {
  readonly request: LeafRequest;
  /** base64 of the TBSCertificate DER. */
  readonly tbsCertificate: string;
  /** Hex SHA-256 of the TBSCertificate DER. */
  readonly tbsSha256: string;
}

export interface IssuingCa {
  readonly type: CertificateType;
  /** The signer's key id (hex SHA-256 of the CA's SubjectPublicKeyInfo). */
  readonly keyId: string;
  /** base64 DER of the self-signed root. */
  readonly certificate: string;
}

export interface CertificateAuthority {
  inspectCsr(pem: string): Promise<CsrInspection>;
  prepare(ca: IssuingCa, request: LeafRequest): Promise<PreparedCertificate>;
  /** Signs exactly the prepared TBSCertificate; returns base64 DER of the certificate. */
  sign(ca: IssuingCa, prepared: PreparedCertificate): Promise<string>;
}

/** The CA currently issuing each type (established on first start; see infrastructure/ca). */
export interface IssuingCas {
  current(type: CertificateType): Promise<IssuingCa>;
}
