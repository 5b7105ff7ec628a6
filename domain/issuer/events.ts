/**
 * The issuing CAs (stream `issuer-<type>`): each establishment records the root certificate and the
 * signer's key id — never the private key.
 */
import { z } from 'zod';
import { CERTIFICATE_TYPES } from '../application/events.js';

export const issuingCaEstablished = z.object({
  type: z.literal('IssuingCaEstablished'),
  data: z.object({
    certificateType: z.enum(CERTIFICATE_TYPES),
    keyId: z.string().regex(/^[0-9a-f]{64}$/),
    keyAlgorithm: z.enum(['RSA-2048', 'ECDSA-P256']),
    subject: z.string().min(1),
    serialNumber: z.string().regex(/^[0-9A-F]+$/),
    notBefore: z.iso.datetime({ offset: true }),
    notAfter: z.iso.datetime({ offset: true }),
    /** base64 DER of the self-signed root. */
    certificate: z.string().min(1),
    establishedAt: z.iso.datetime({ offset: true }),
  }),
});
export type IssuingCaEstablished = z.infer<typeof issuingCaEstablished>;

export const issuerStream = (type: string): string => `issuer-${type}`;

/** Each OCSP responder certificate the CA delegates to (rotated before it expires). */
export const ocspResponderEstablished = z.object({
  type: z.literal('OcspResponderEstablished'),
  data: z.object({
    certificateType: z.enum(CERTIFICATE_TYPES),
    issuerKeyId: z.string().regex(/^[0-9a-f]{64}$/),
    keyId: z.string().regex(/^[0-9a-f]{64}$/),
    serialNumber: z.string().regex(/^[0-9A-F]+$/),
    notBefore: z.iso.datetime({ offset: true }),
    notAfter: z.iso.datetime({ offset: true }),
    /** base64 DER of the responder certificate. */
    certificate: z.string().min(1),
    establishedAt: z.iso.datetime({ offset: true }),
  }),
});
export type OcspResponderEstablished = z.infer<typeof ocspResponderEstablished>;

export const ocspResponderStream = (type: string): string => `ocsp-responder-${type}`;
