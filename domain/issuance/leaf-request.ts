/**
 * What the CA is asked to sign for an application: the profile of the domain page, with the URLs
 * that relying parties follow (the municipality's CRL partition first, then the full CRL; OCSP;
 * the issuing root), all derived from the ledger's public base URL.
 */
import type { ApplicationFacts, AcceptedKey } from '../application/state.js';
import { personalAttributes } from '../certificate/personal-attributes.js';
import { certificateValidity, type Validity, type ValidityRule } from '../certificate/validity.js';
import type { CertificateType, LeafRequest } from '../ports/certificate-authority.js';
import { parseIsoDate } from '../shared/calendar.js';

export interface IssuanceProfile {
  /** The prefecture's name as the signing subject's first L= carries it (romaji). */
  readonly prefecture: string;
  /** Base of every URL a certificate names, e.g. http://127.0.0.1:3000 */
  readonly publicUrl: string;
  readonly policies: Readonly<Record<CertificateType, { readonly oid: string; readonly cpsUri: string }>>;
  readonly validityRule: ValidityRule;
}

export function publicationUrls(publicUrl: string, type: CertificateType, municipalityCode: string) {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    partitionCrl: `${base}/v1/crl/${type}/${municipalityCode}`,
    fullCrl: `${base}/v1/crl/${type}`,
    deltaCrl: `${base}/v1/crl/${type}/delta`,
    ocsp: `${base}/v1/ocsp/${type}`,
    caCertificate: `${base}/v1/ca/${type}/certificate`,
  };
}

export function issuanceValidity(facts: ApplicationFacts, issuedAt: Date, rule: ValidityRule): Validity {
  const dateOfBirth = parseIsoDate(facts.personal.dateOfBirth);
  if (dateOfBirth === undefined) throw new Error('an accepted application has an invalid date of birth');
  return certificateValidity({ issuedAt, dateOfBirth, renewal: facts.renewalOf !== undefined, rule });
}

export function leafRequest(
  facts: ApplicationFacts,
  key: AcceptedKey,
  serialNumber: string,
  validity: Validity,
  profile: IssuanceProfile,
): LeafRequest {
  const type = facts.certificateType;
  const urls = publicationUrls(profile.publicUrl, type, facts.municipalityCode);
  const common = {
    type,
    serialNumber,
    notBefore: validity.notBefore.toISOString(),
    notAfter: validity.notAfter.toISOString(),
    subjectPublicKeyInfo: key.subjectPublicKeyInfo,
    crlDistributionPoints: [urls.partitionCrl, urls.fullCrl],
    ocspUrl: urls.ocsp,
    caIssuersUrl: urls.caCertificate,
    policyOid: profile.policies[type].oid,
    cpsUri: profile.policies[type].cpsUri,
  };
  if (type === 'user-authentication') return { ...common, subject: { localities: [], commonName: facts.applicationId } };
  const dateOfBirth = parseIsoDate(facts.personal.dateOfBirth);
  const attributes = dateOfBirth === undefined ? undefined : personalAttributes({ ...facts.personal, dateOfBirth });
  if (attributes === undefined || !attributes.ok) throw new Error('an accepted signing application has no representable personal attributes');
  return {
    ...common,
    subject: { localities: [profile.prefecture, facts.municipalityCode], commonName: facts.applicationId },
    personal: attributes.attributes,
  };
}
