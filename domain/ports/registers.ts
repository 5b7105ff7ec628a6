/**
 * The read models a process manager may consult to find which streams to act on (the architecture's
 * one exception to "nothing reads a read model to decide a write"): the decision itself stays with
 * each stream's decider.
 */
import type { CertificateType } from './certificate-authority.js';

export interface RegisteredCertificate {
  readonly serialNumber: string;
  readonly certificateType: CertificateType;
  readonly notAfter: string;
  readonly applicationId: string;
}

export interface IssuanceRegister {
  /** The holder's certificates recorded before `position` in the global log. */
  certificatesOf(holderRef: string, issuedBefore: bigint): readonly RegisteredCertificate[];
}

export interface NoticeIndex {
  /** Notices about the holder received before `position` in the global log. */
  noticesOf(holderRef: string, receivedBefore: bigint): readonly string[];
}

/** One recorded access to a holder's information, as a disclosure report lists it. */
export interface DisclosureRecord {
  readonly accessedAt: string;
  readonly organisation: string;
  readonly role: string;
  readonly purpose: string;
  readonly legalBasis: string;
  readonly function: string;
  readonly items: readonly string[];
}

/** The access records as the disclosure request reads them (the access-log read model). */
export interface AccessRecords {
  disclosuresOf(holderRef: string): DisclosureRecord[];
  /** A municipality the holder has a case in, if any. */
  municipalityOf(holderRef: string): string | undefined;
}
