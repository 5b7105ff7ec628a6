/** The CertificateAuthority port on @peculiar/asn1-x509 and node:crypto, with the CA keys behind a Signer. */
import './x509-bootstrap.js';
import type { CertificateAuthority, CsrInspection, IssuingCa, LeafRequest, PreparedCertificate } from '../../domain/ports/certificate-authority.js';
import type { Signer } from '../../domain/ports/signer.js';
import { inspectCsr } from './csr-inspection.js';
import { prepare, sign } from './leaf-certificate.js';

export class X509CertificateAuthority implements CertificateAuthority {
  constructor(private readonly signer: Signer) {}

  inspectCsr(pem: string): Promise<CsrInspection> {
    return inspectCsr(pem);
  }

  prepare(ca: IssuingCa, request: LeafRequest): Promise<PreparedCertificate> {
    return prepare(ca, request);
  }

  sign(ca: IssuingCa, prepared: PreparedCertificate): Promise<string> {
    return sign(ca, prepared, this.signer);
  }
}
