/**
 * The delegated OCSP responders, one per issuing CA: a key of its own in the key store and a
 * certificate the CA issues to it (id-kp-OCSPSigning, ocsp-nocheck), recorded as
 * OcspResponderEstablished on `ocsp-responder-<type>`. A responder is replaced when less than the
 * rotation margin of its validity remains, so relying parties never see an expired one.
 */
import * as E from 'fp-ts/lib/Either.js';
import { CERTIFICATE_TYPES } from '../../domain/application/events.js';
import { ocspResponderEstablished, ocspResponderStream, type OcspResponderEstablished } from '../../domain/issuer/events.js';
import type { CertificateType, IssuingCas } from '../../domain/ports/certificate-authority.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { IdSource } from '../../domain/ports/ids.js';
import type { KeyAlgorithm } from '../../domain/ports/certificate-authority.js';
import type { KeyStore } from '../../domain/ports/signer.js';
import type { OcspResponder } from './ocsp/ocsp-response.js';
import { createResponderCertificate } from './ocsp/responder-certificate.js';
import { appendSystemEvent } from '../event-store/system-event.js';

const DAY_MS = 86_400_000;

export interface ResponderSettings {
  readonly keyAlgorithm: KeyAlgorithm;
  readonly validityDays: number;
  readonly rotateWithinDays: number;
}

export interface OcspResponders {
  current(type: CertificateType): OcspResponder & { readonly notAfter: string };
  /** Replaces any responder within the rotation margin of its expiry. */
  rotate(): Promise<void>;
}

interface Deps {
  readonly store: EventStore;
  readonly keyStore: KeyStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly issuingCas: IssuingCas;
}

async function latest(store: EventStore, type: CertificateType): Promise<{ data: OcspResponderEstablished['data']; revision: bigint } | undefined> {
  let found: { data: OcspResponderEstablished['data']; revision: bigint } | undefined;
  for await (const event of store.readStream(ocspResponderStream(type))) {
    found = { data: ocspResponderEstablished.parse({ type: event.type, data: event.data }).data, revision: event.revision };
  }
  return found;
}

async function establish(deps: Deps, type: CertificateType, settings: ResponderSettings, expected: bigint | 'no_stream') {
  const ca = await deps.issuingCas.current(type);
  const key = await deps.keyStore.generate(settings.keyAlgorithm);
  const now = new Date(Math.floor(deps.clock.now().getTime() / 1000) * 1000);
  const notAfter = new Date(now.getTime() + settings.validityDays * DAY_MS);
  const serialNumber = deps.ids.serialNumber();
  const certificate = await createResponderCertificate(
    {
      ca,
      responderKeyId: key.keyId,
      responderSpki: key.subjectPublicKeyInfo,
      serialNumber,
      notBefore: now.toISOString(),
      notAfter: notAfter.toISOString(),
      subjectCommonName: `OCSP Responder ${now.toISOString().slice(0, 10)}`,
    },
    deps.keyStore,
  );
  const data: OcspResponderEstablished['data'] = {
    certificateType: type,
    issuerKeyId: ca.keyId,
    keyId: key.keyId,
    serialNumber,
    notBefore: now.toISOString(),
    notAfter: notAfter.toISOString(),
    certificate,
    establishedAt: deps.clock.now().toISOString(),
  };
  const appended = await appendSystemEvent(deps, ocspResponderStream(type), 'OcspResponderEstablished', data, expected);
  // Another process rotated at the same moment: use theirs.
  return E.isRight(appended) ? data : (await latest(deps.store, type))?.data;
}

export async function establishOcspResponders(deps: Deps, settings: ResponderSettings): Promise<OcspResponders> {
  const current = new Map<CertificateType, OcspResponderEstablished['data']>();
  const rotate = async (): Promise<void> => {
    for (const type of CERTIFICATE_TYPES) {
      const ca = await deps.issuingCas.current(type);
      const found = await latest(deps.store, type);
      const due = deps.clock.now().getTime() + settings.rotateWithinDays * DAY_MS;
      const usable = found !== undefined && found.data.issuerKeyId === ca.keyId && Date.parse(found.data.notAfter) > due;
      const responder = usable ? found.data : await establish(deps, type, settings, found === undefined ? 'no_stream' : found.revision);
      if (responder === undefined) throw new Error(`could not establish the ${type} OCSP responder`);
      current.set(type, responder);
    }
  };
  await rotate();
  return {
    current: (type) => {
      const responder = current.get(type);
      if (responder === undefined) throw new Error(`no OCSP responder for ${type}`);
      return { certificate: responder.certificate, keyId: responder.keyId, notAfter: responder.notAfter };
    },
    rotate,
  };
}
