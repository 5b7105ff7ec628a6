/**
 * Publishes the CRLs of each issuing CA from the certificate-status read model: the full CRL, a
 * delta against the previous full CRL, and one partition per municipality (critical Issuing
 * Distribution Point naming the URL its certificates point at). What a CRL lists is `listingsAt`,
 * the rule the status API and OCSP answer by.
 *
 * A scope is published again when its content changed (a hold or revocation folded, a recorded
 * revocation taking effect, a listed certificate expiring), at most once per minimum interval, and
 * in any case before its nextUpdate comes near. Each CRL is recorded as CrlPublished on
 * `crl-<issuerKeyId>-<scope>` (appended with the expected revision, so numbers only increase, across
 * restarts and processes), then its DER is written under `<data>/crl/<type>/<partition>.crl` and its
 * metadata into `crl_documents`, from which the routes serve it.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { CERTIFICATE_TYPES } from '../../domain/application/events.js';
import { publicationUrls } from '../../domain/issuance/leaf-request.js';
import type { CertificateType, IssuingCa, IssuingCas } from '../../domain/ports/certificate-authority.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { IdSource } from '../../domain/ports/ids.js';
import type { Signer } from '../../domain/ports/signer.js';
import { deltaListings, listingsAt, type CrlListing } from '../../domain/publication/crl-content.js';
import { crlPublished, crlStream, type CrlPublished } from '../../domain/publication/events.js';
import { prepareCrl, signCrl, type CrlEntry } from '../../infrastructure/ca/crl/certificate-list.js';
import { CERTIFICATE_STATUS, type CertificateStatusQueries, type CertificateStatusRow } from '../certificate-status/certificate-status.js';
import { readCheckpoint } from '../read-model-db.js';
import { appendSystemEvent } from '../../infrastructure/event-store/system-event.js';
import { prepared } from '../prepared.js';

export interface CrlSettings {
  readonly nextUpdateSeconds: number;
  readonly minIntervalSeconds: number;
  /** Publish again when less than this remains before nextUpdate. */
  readonly refreshBeforeSeconds: number;
}

export interface CrlDocument {
  readonly certificateType: CertificateType;
  readonly partition: string;
  readonly crlNumber: bigint;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly sha256: string;
  readonly path: string;
}

const DDL = `
CREATE TABLE IF NOT EXISTS crl_documents (
  certificate_type TEXT NOT NULL,
  partition        TEXT NOT NULL,
  crl_number       TEXT NOT NULL,
  this_update      TEXT NOT NULL,
  next_update      TEXT NOT NULL,
  sha256           TEXT NOT NULL,
  path             TEXT NOT NULL,
  PRIMARY KEY (certificate_type, partition)
);
CREATE TABLE IF NOT EXISTS crl_publisher (certificate_type TEXT PRIMARY KEY, position TEXT NOT NULL, checked_at TEXT NOT NULL);
`;

const wholeSeconds = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000) * 1000);
const toEntry = (listing: CrlListing): CrlEntry => ({
  serialNumber: listing.serialNumber,
  revocationDate: wholeSeconds(new Date(listing.revocationDate)).toISOString(),
  ...(listing.reason === 'unspecified' ? {} : { reason: listing.reason }),
  ...(listing.invalidityDate === undefined ? {} : { invalidityDate: wholeSeconds(new Date(listing.invalidityDate)).toISOString() }),
});

export class CrlPublisher {
  constructor(
    private readonly db: Database,
    private readonly deps: {
      readonly store: EventStore;
      readonly ids: IdSource;
      readonly issuingCas: IssuingCas;
      readonly signer: Signer;
      readonly statuses: CertificateStatusQueries;
      readonly clock: Clock;
      readonly publicUrl: string;
      readonly directory: string;
      readonly settings: CrlSettings;
    },
  ) {
    db.exec(DDL);
  }

  document(type: CertificateType, partition: string): CrlDocument | undefined {
    const row = prepared<[string, string], { crl_number: string; this_update: string; next_update: string; sha256: string; path: string }>(this.db,
        'SELECT crl_number, this_update, next_update, sha256, path FROM crl_documents WHERE certificate_type = ? AND partition = ?',
      )
      .get(type, partition);
    if (row === undefined) return undefined;
    return {
      certificateType: type,
      partition,
      crlNumber: BigInt(row.crl_number),
      thisUpdate: new Date(row.this_update),
      nextUpdate: new Date(row.next_update),
      sha256: row.sha256,
      path: row.path,
    };
  }

  /** One pass over both CAs: publishes what changed or is due; returns how many CRLs it issued. */
  async publish(): Promise<number> {
    let issued = 0;
    for (const type of CERTIFICATE_TYPES) issued += await this.publishFor(type);
    return issued;
  }

  private async publishFor(type: CertificateType): Promise<number> {
    const ca = await this.deps.issuingCas.current(type);
    const now = this.deps.clock.now();
    const last = prepared<[string], { position: string; checked_at: string }>(this.db, 'SELECT position, checked_at FROM crl_publisher WHERE certificate_type = ?')
      .get(type);
    const changes = this.deps.statuses.crlChanges(ca.keyId, BigInt(last?.position ?? '0'), last?.checked_at ?? new Date(0).toISOString(), now.toISOString());
    const full = this.document(type, 'full');
    const due = (doc: CrlDocument | undefined, changed: boolean): boolean => {
      if (doc === undefined) return true;
      if (now.getTime() >= doc.nextUpdate.getTime() - this.deps.settings.refreshBeforeSeconds * 1000) return true;
      return changed && now.getTime() - doc.thisUpdate.getTime() >= this.deps.settings.minIntervalSeconds * 1000;
    };
    const changedPartitions = [...changes.municipalities];
    // A CRL lists what is in effect at its thisUpdate (whole seconds), so that it can be reproduced
    // from the log; the change marks start from there too, so nothing taking effect later in that
    // second is missed.
    const at = wholeSeconds(now);
    let issued = 0;
    let deferred = false;
    if (due(full, changedPartitions.length > 0)) {
      issued += await this.publishFull(type, ca, at, full);
    } else if (changedPartitions.length > 0) {
      deferred = true;
    }
    for (const municipality of this.deps.statuses.municipalities(ca.keyId)) {
      const changed = changes.municipalities.has(municipality);
      if (due(this.document(type, municipality), changed)) {
        const content = this.content(ca.keyId, municipality);
        issued += await this.issue(type, ca, at, municipality, municipality, listingsAt(content.records, at), content.basedOn);
      } else if (changed) {
        deferred = true;
      }
    }
    // Changes held back by the minimum interval keep the old marks, so the next pass sees them again.
    if (!deferred) {
      prepared(this.db,
          'INSERT INTO crl_publisher (certificate_type, position, checked_at) VALUES (?, ?, ?) ON CONFLICT (certificate_type) DO UPDATE SET position = excluded.position, checked_at = excluded.checked_at',
        )
        .run(type, changes.position.toString(), at.toISOString());
    }
    return issued;
  }

  /** The CA's listed certificates, with the position the read model had folded to when they were read (no await in between). */
  private content(issuerKeyId: string, municipalityCode?: string): { records: CertificateStatusRow[]; basedOn: bigint } {
    const basedOn = readCheckpoint(this.db, CERTIFICATE_STATUS);
    return { records: this.deps.statuses.listed(issuerKeyId, municipalityCode), basedOn };
  }

  /** The full CRL and, when there is an earlier full CRL, a delta against it (one numbering). */
  private async publishFull(type: CertificateType, ca: IssuingCa, now: Date, previous: CrlDocument | undefined): Promise<number> {
    const { records, basedOn } = this.content(ca.keyId);
    const current = listingsAt(records, now);
    const published = await this.issue(type, ca, now, 'full', 'full', current, basedOn);
    if (previous === undefined) return published;
    // The base listed what was in effect when it was computed, which was at or after its thisUpdate.
    // Rebuilding it from a millisecond before can only leave out entries, which the delta then
    // repeats (harmless); rebuilding from thisUpdate itself could claim entries recorded later in
    // that same second, which the delta would then miss.
    const delta = deltaListings(records, new Date(previous.thisUpdate.getTime() - 1), now, current);
    return published + (await this.issue(type, ca, now, 'full', 'delta', delta, basedOn, previous.crlNumber));
  }

  /** Numbers, signs, records and stores one CRL. */
  private async issue(
    type: CertificateType,
    ca: IssuingCa,
    now: Date,
    scope: string,
    partition: string,
    listings: readonly CrlListing[],
    basedOn: bigint,
    deltaOf?: bigint,
  ): Promise<number> {
    const stream = crlStream(ca.keyId, scope);
    const { number, revision } = await this.lastNumber(stream);
    const crlNumber = number + 1n;
    const thisUpdate = wholeSeconds(now);
    const nextUpdate = new Date(thisUpdate.getTime() + this.deps.settings.nextUpdateSeconds * 1000);
    const urls = publicationUrls(this.deps.publicUrl, type, scope);
    const built = await signCrl(
      prepareCrl({
        ca,
        crlNumber,
        thisUpdate: thisUpdate.toISOString(),
        nextUpdate: nextUpdate.toISOString(),
        entries: listings.map(toEntry),
        ...(scope === 'full' ? {} : { issuingDistributionPoint: urls.partitionCrl }),
        // The full CRL points at its delta (Freshest CRL): clients consult deltas only when told where.
        ...(scope === 'full' && deltaOf === undefined ? { freshestCrl: urls.deltaCrl } : {}),
        ...(deltaOf === undefined ? {} : { deltaOf }),
      }),
      this.deps.signer,
    );
    const data: CrlPublished['data'] = {
      certificateType: type,
      issuerKeyId: ca.keyId,
      partition,
      crlNumber: crlNumber.toString(),
      ...(deltaOf === undefined ? {} : { baseCrlNumber: deltaOf.toString() }),
      thisUpdate: thisUpdate.toISOString(),
      nextUpdate: nextUpdate.toISOString(),
      entryCount: built.entryCount,
      sha256: built.sha256,
      tbsSha256: built.tbsSha256,
      basedOnPosition: basedOn.toString(),
    };
    const appended = await appendSystemEvent(this.deps, stream, 'CrlPublished', data, revision);
    // Another process numbered this scope first: its CRL stands; ours is not published.
    if (E.isLeft(appended)) return 0;
    this.store(type, partition, crlNumber, thisUpdate, nextUpdate, built.sha256, built.der);
    return 1;
  }

  private async lastNumber(stream: string): Promise<{ number: bigint; revision: bigint | 'no_stream' }> {
    for await (const event of this.deps.store.readStream(stream, { direction: 'backwards', maxCount: 1 })) {
      return { number: BigInt(crlPublished.parse({ type: event.type, data: event.data }).data.crlNumber), revision: event.revision };
    }
    return { number: 0n, revision: 'no_stream' };
  }

  private store(type: CertificateType, partition: string, crlNumber: bigint, thisUpdate: Date, nextUpdate: Date, sha256: string, der: Uint8Array): void {
    const directory = join(this.deps.directory, type);
    mkdirSync(directory, { recursive: true });
    const path = join(directory, `${partition}.crl`);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, der);
    renameSync(temporary, path);
    prepared(this.db,
        `INSERT INTO crl_documents (certificate_type, partition, crl_number, this_update, next_update, sha256, path) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (certificate_type, partition) DO UPDATE SET crl_number = excluded.crl_number, this_update = excluded.this_update,
           next_update = excluded.next_update, sha256 = excluded.sha256, path = excluded.path`,
      )
      .run(type, partition, crlNumber.toString(), thisUpdate.toISOString(), nextUpdate.toISOString(), sha256, path);
  }
}
