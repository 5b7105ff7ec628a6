/**
 * A published CRL reproduced from the log: the CrlPublished event says which CA, scope, number,
 * thisUpdate and nextUpdate, and up to which position the content was read; the certificate-timeline
 * read model gives the CA's holds and revocations up to that position; the one listing rule
 * (`listingsAt`) says what was in effect at thisUpdate. Prepared again, the to-be-signed bytes must
 * hash to the recorded tbsSha256; signed again, an RSA CRL (PKCS#1 v1.5 is deterministic) must be
 * byte-identical to the one published. ECDSA signatures are not deterministic: for an ECDSA CA the
 * TBS identity and the recorded hash are the proof.
 */
import * as E from 'fp-ts/lib/Either.js';
import { issuingCaEstablished, issuerStream } from '../../domain/issuer/events.js';
import { notFound, notYetConsistent, type DomainError } from '../../domain/shared/errors.js';
import type { Freshness } from '../certificate-status/status-query.js';
import { publicationUrls } from '../../domain/issuance/leaf-request.js';
import type { CertificateType, IssuingCa } from '../../domain/ports/certificate-authority.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { Signer } from '../../domain/ports/signer.js';
import { deltaListings, listingsAt, type CrlListing } from '../../domain/publication/crl-content.js';
import { crlPublished, crlStream, type CrlPublished } from '../../domain/publication/events.js';
import { prepareCrl, signCrl, type CrlEntry } from '../../infrastructure/ca/crl/certificate-list.js';
import type { CertificateTimeline } from '../certificate-status/certificate-timeline.js';

export interface PublishedCrl {
  readonly data: CrlPublished['data'];
  /** Where the CrlPublished event sits in the log. */
  readonly position: bigint;
}

export interface Reproduction {
  readonly published: PublishedCrl;
  readonly der: Uint8Array;
  /** The recorded TBS hash matches the TBS prepared again. */
  readonly tbsIdentical: boolean;
  /** The signed CRL is byte for byte the one published (its SHA-256 is the recorded one). */
  readonly identical: boolean;
  /** identical; tbs-identical (an ECDSA CA: all but the signature, which is not deterministic); or differs. */
  readonly verdict: 'identical' | 'tbs-identical' | 'differs';
  /** What differs, one sentence each; empty when identical. */
  readonly differences: readonly string[];
  /** Whether the content position was recorded, or (for CRLs published before it was) taken as the event's own position. */
  readonly basis: 'recorded' | 'assumed';
}

export interface ReproductionDeps {
  readonly store: EventStore;
  readonly timeline: CertificateTimeline;
  readonly signer: Signer;
  readonly publicUrl: string;
}

const wholeSeconds = (iso: string): string => new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString();
const toEntry = (listing: CrlListing): CrlEntry => ({
  serialNumber: listing.serialNumber,
  revocationDate: wholeSeconds(listing.revocationDate),
  ...(listing.reason === 'unspecified' ? {} : { reason: listing.reason }),
  ...(listing.invalidityDate === undefined ? {} : { invalidityDate: wholeSeconds(listing.invalidityDate) }),
});

/** Every CA this ledger has established for the type, newest first. */
async function issuingCasOf(store: EventStore, type: CertificateType): Promise<(IssuingCa & { readonly ecdsa: boolean })[]> {
  const cas: (IssuingCa & { readonly ecdsa: boolean })[] = [];
  for await (const event of store.readStream(issuerStream(type))) {
    const data = issuingCaEstablished.parse({ type: event.type, data: event.data }).data;
    cas.unshift({ type, keyId: data.keyId, certificate: data.certificate, ecdsa: data.keyAlgorithm === 'ECDSA-P256' });
  }
  return cas;
}

/** The scope stream a partition is numbered on: full and delta share one numbering. */
const scopeOf = (partition: string): string => (partition === 'delta' ? 'full' : partition);

async function publishedOn(store: EventStore, stream: string, wanted: (data: CrlPublished['data'], recordedAt: string) => boolean): Promise<PublishedCrl | undefined> {
  for await (const event of store.readStream(stream, { direction: 'backwards', fromRevision: 'end' })) {
    const data = crlPublished.parse({ type: event.type, data: event.data }).data;
    if (wanted(data, event.metadata.recordedAt)) return { data, position: event.position };
  }
  return undefined;
}

/** CRL number `number` of the type's `partition` (`full`, `delta` or a municipality code), under whichever CA issued it. */
export async function findPublishedCrl(store: EventStore, type: CertificateType, partition: string, number: bigint): Promise<PublishedCrl | undefined> {
  for (const ca of await issuingCasOf(store, type)) {
    const found = await publishedOn(store, crlStream(ca.keyId, scopeOf(partition)), (d) => d.partition === partition && BigInt(d.crlNumber) === number);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The full CRL a relying party was being served at `at`: the latest one recorded by then. */
export async function crlCurrentAt(store: EventStore, type: CertificateType, at: Date): Promise<PublishedCrl | undefined> {
  let best: PublishedCrl | undefined;
  for (const ca of await issuingCasOf(store, type)) {
    const found = await publishedOn(store, crlStream(ca.keyId, 'full'), (d, recordedAt) => d.partition === 'full' && Date.parse(recordedAt) <= at.getTime());
    if (found !== undefined && (best === undefined || Date.parse(found.data.thisUpdate) > Date.parse(best.data.thisUpdate))) best = found;
  }
  return best;
}

export async function reproduceCrl(deps: ReproductionDeps, published: PublishedCrl): Promise<Reproduction> {
  const { data } = published;
  const type = data.certificateType;
  const ca = (await issuingCasOf(deps.store, type)).find((c) => c.keyId === data.issuerKeyId);
  if (ca === undefined) throw new Error(`CRL ${data.crlNumber} names CA key ${data.issuerKeyId}, which this ledger never established`);
  const basis = data.basedOnPosition === undefined ? 'assumed' : 'recorded';
  const basedOn = data.basedOnPosition === undefined ? published.position - 1n : BigInt(data.basedOnPosition);
  const thisUpdate = new Date(data.thisUpdate);
  const municipality = /^\d{6}$/.test(data.partition) ? data.partition : undefined;
  const records = deps.timeline.listedUpTo(ca.keyId, basedOn, municipality);
  let listings = listingsAt(records, thisUpdate);
  let deltaOf: bigint | undefined;
  if (data.partition === 'delta') {
    deltaOf = BigInt(data.baseCrlNumber ?? '0');
    const base = await findPublishedCrl(deps.store, type, 'full', deltaOf);
    if (base === undefined) throw new Error(`delta CRL ${data.crlNumber} names base CRL ${deltaOf}, which was never published`);
    listings = deltaListings(records, new Date(Date.parse(base.data.thisUpdate) - 1), thisUpdate, listings);
  }
  const urls = publicationUrls(deps.publicUrl, type, scopeOf(data.partition));
  const scope = scopeOf(data.partition);
  const prepared = prepareCrl({
    ca: { type: ca.type, keyId: ca.keyId, certificate: ca.certificate },
    crlNumber: BigInt(data.crlNumber),
    thisUpdate: data.thisUpdate,
    nextUpdate: data.nextUpdate,
    entries: listings.map(toEntry),
    ...(scope === 'full' ? {} : { issuingDistributionPoint: urls.partitionCrl }),
    ...(scope === 'full' && deltaOf === undefined ? { freshestCrl: urls.deltaCrl } : {}),
    ...(deltaOf === undefined ? {} : { deltaOf }),
  });
  const built = await signCrl(prepared, deps.signer);
  const differences: string[] = [];
  if (built.entryCount !== data.entryCount) differences.push(`entries: ${built.entryCount} reproduced, ${data.entryCount} published`);
  const tbsIdentical = built.tbsSha256 === data.tbsSha256;
  if (!tbsIdentical) differences.push(`to-be-signed bytes: SHA-256 ${built.tbsSha256} reproduced, ${data.tbsSha256} published`);
  const identical = built.sha256 === data.sha256;
  if (!identical) {
    differences.push(`CRL: SHA-256 ${built.sha256} reproduced, ${data.sha256} published`);
  }
  const verdict = identical ? 'identical' : tbsIdentical && ca.ecdsa ? 'tbs-identical' : 'differs';
  return { published, der: built.der, tbsIdentical, identical, verdict, differences: verdict === 'differs' ? differences : [], basis };
}

/** How long a reproduction waits for the timeline to have folded the CRL's content position. */
const FOLD_WAIT_MS = 5000;

/** What the API offers of past CRLs. */
export class CrlHistory {
  constructor(private readonly deps: ReproductionDeps & { readonly freshness: Freshness }) {}

  /** The full CRL being served at `at`, reproduced; NotFound when none had been published by then. */
  async at(type: CertificateType, at: Date): Promise<E.Either<DomainError, Reproduction>> {
    const published = await crlCurrentAt(this.deps.store, type, at);
    if (published === undefined) return E.left(notFound('no-crl-then', `No ${type} CRL had been published by ${at.toISOString()}.`));
    const basis = BigInt(published.data.basedOnPosition ?? (published.position - 1n).toString());
    if (!(await this.deps.freshness.waitFor(basis, FOLD_WAIT_MS))) return E.left(notYetConsistent(basis, this.deps.freshness.position));
    return E.right(await reproduceCrl(this.deps, published));
  }
}
