/**
 * The two issuing CAs, established on first start: a key per type in the key store, a self-signed
 * root, and an IssuingCaEstablished event on `issuer-<type>` (appended with no_stream, so two
 * processes starting at once agree on one root; the loser's unused key file stays behind).
 */
import * as E from 'fp-ts/lib/Either.js';
import { CERTIFICATE_TYPES } from '../../domain/application/events.js';
import { issuerStream, issuingCaEstablished, type IssuingCaEstablished } from '../../domain/issuer/events.js';
import type { CertificateType, IssuingCa, IssuingCas, KeyAlgorithm } from '../../domain/ports/certificate-authority.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { IdSource } from '../../domain/ports/ids.js';
import type { KeyStore } from '../../domain/ports/signer.js';
import { parseName, type NameAttribute } from './names.js';
import { createRootCertificate } from './root-certificate.js';
import { appendSystemEvent } from '../event-store/system-event.js';

/** Roots outlive every certificate they issue: leaves run at most ~6 years (a renewal's 6th birthday). */
const ROOT_VALIDITY_YEARS = 20;

export interface IssuerSettings {
  readonly keyAlgorithm: KeyAlgorithm;
  readonly names: Readonly<Record<CertificateType, string>>;
}

export function defaultIssuerNames(prefecture: string): Record<CertificateType, string> {
  return {
    signing: `C=JP, O=JPKI, OU=${prefecture} Prefecture, OU=JPKI for digital signature`,
    'user-authentication': `C=JP, O=JPKI, OU=${prefecture} Prefecture, OU=JPKI for user authentication`,
  };
}

async function established(store: EventStore, type: CertificateType): Promise<IssuingCaEstablished['data'] | undefined> {
  let last: IssuingCaEstablished['data'] | undefined;
  for await (const event of store.readStream(issuerStream(type))) last = issuingCaEstablished.parse({ type: event.type, data: event.data }).data;
  return last;
}

async function establish(
  deps: { store: EventStore; keyStore: KeyStore; clock: Clock; ids: IdSource },
  type: CertificateType,
  settings: IssuerSettings,
): Promise<IssuingCaEstablished['data']> {
  const key = await deps.keyStore.generate(settings.keyAlgorithm);
  const now = new Date(Math.floor(deps.clock.now().getTime() / 1000) * 1000);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + ROOT_VALIDITY_YEARS);
  const subject: readonly NameAttribute[] = parseName(settings.names[type]);
  const serialNumber = deps.ids.serialNumber();
  const certificate = await createRootCertificate({
    subject,
    keyId: key.keyId,
    subjectPublicKeyInfo: key.subjectPublicKeyInfo,
    serialNumber,
    notBefore: now.toISOString(),
    notAfter: notAfter.toISOString(),
    signer: deps.keyStore,
  });
  const data: IssuingCaEstablished['data'] = {
    certificateType: type,
    keyId: key.keyId,
    keyAlgorithm: settings.keyAlgorithm,
    subject: settings.names[type],
    serialNumber,
    notBefore: now.toISOString(),
    notAfter: notAfter.toISOString(),
    certificate,
    establishedAt: deps.clock.now().toISOString(),
  };
  const appended = await appendSystemEvent(deps, issuerStream(type), 'IssuingCaEstablished', data, 'no_stream');
  if (E.isRight(appended)) return data;
  const theirs = await established(deps.store, type);
  if (theirs === undefined) throw new Error(`could not establish the ${type} CA`);
  return theirs;
}

/** Reads (or, on first start, establishes) both issuing CAs. */
export async function establishIssuingCas(
  deps: { store: EventStore; keyStore: KeyStore; clock: Clock; ids: IdSource },
  settings: IssuerSettings,
): Promise<IssuingCas & { all(): readonly IssuingCa[] }> {
  const cas = new Map<CertificateType, IssuingCa>();
  for (const type of CERTIFICATE_TYPES) {
    const data = (await established(deps.store, type)) ?? (await establish(deps, type, settings));
    cas.set(type, { type, keyId: data.keyId, certificate: data.certificate });
  }
  return {
    current: async (type) => {
      const ca = cas.get(type);
      if (ca === undefined) throw new Error(`no issuing CA for ${type}`);
      return ca;
    },
    all: () => [...cas.values()],
  };
}
