/**
 * The OCSP responder (RFC 6960, RFC 5019 profile), answering from the certificate-status read model
 * by the same rule as the status API and the CRLs (statusAt):
 * - good; revoked with time and reason; on hold → revoked (certificateHold); expired or never
 *   issued by this CA → unknown; a request naming another CA's certificates → unauthorized; bytes
 *   that are not a request → malformedRequest. Never a 500 for a client's mistake.
 * - A request without a nonce is answered with a response signed ahead of time and kept in the
 *   `ocsp_responses` table until its status changes or its nextUpdate comes near; the pre-signer
 *   (`presign`) keeps that table filled from the read model, so such a request costs no signature.
 *   A request with a nonce gets a freshly signed answer echoing it.
 */
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { statusAt } from '../../domain/certificate/status.js';
import type { CertificateType, IssuingCas } from '../../domain/ports/certificate-authority.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { Signer } from '../../domain/ports/signer.js';
import { certIdFor, issuedBy, type CertId } from '../../infrastructure/ca/ocsp/cert-id.js';
import { parseOcspGetRequest, parseOcspRequest, type ParsedOcspRequest } from '../../infrastructure/ca/ocsp/ocsp-request.js';
import { ocspErrorResponse, signOcspResponse, type CertStatus } from '../../infrastructure/ca/ocsp/ocsp-response.js';
import type { OcspResponders } from '../../infrastructure/ca/ocsp-responders.js';
import type { FoldedEvent } from '../runner.js';
import { serialsChangedBy, type CertificateStatusQueries, type CertificateStatusRow } from '../certificate-status/certificate-status.js';
import { prepared } from '../prepared.js';

export interface OcspSettings {
  /** How long a response is valid (nextUpdate − thisUpdate). */
  readonly validitySeconds: number;
  /** A cached response is re-signed when less than this remains before its nextUpdate. */
  readonly refreshBeforeSeconds: number;
}

export interface OcspAnswer {
  readonly der: Buffer;
  /** For RFC 5019 caching headers: absent on error responses and nonce answers. */
  readonly cache?: {
    readonly thisUpdate: Date;
    readonly nextUpdate: Date;
    readonly etag: string;
    /** thisUpdate and nextUpdate as HTTP dates, made once per answer rather than per request. */
    readonly lastModified: string;
    readonly expires: string;
  };
}

const DDL = `
CREATE TABLE IF NOT EXISTS ocsp_responses (
  certificate_type TEXT NOT NULL,
  serial_number    TEXT NOT NULL,
  hash_algorithm   TEXT NOT NULL,
  status_key       TEXT NOT NULL,
  this_update      TEXT NOT NULL,
  next_update      TEXT NOT NULL,
  der              BLOB NOT NULL,
  PRIMARY KEY (certificate_type, serial_number, hash_algorithm)
);
CREATE TABLE IF NOT EXISTS ocsp_presigner (certificate_type TEXT PRIMARY KEY, position TEXT NOT NULL);
`;

interface CachedRow {
  status_key: string;
  this_update: string;
  next_update: string;
  der: Buffer;
}

const MEMORY_LIMIT = 100_000;
const GET_REQUEST_LIMIT = 50_000;

const wholeSeconds = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000) * 1000);

export class OcspService {
  constructor(
    private readonly db: Database,
    private readonly deps: {
      readonly issuingCas: IssuingCas;
      readonly responders: OcspResponders;
      readonly signer: Signer;
      readonly statuses: CertificateStatusQueries;
      readonly clock: Clock;
      readonly settings: OcspSettings;
    },
  ) {
    db.exec(DDL);
    this.cachedStatement = db.prepare<[string, string, string], CachedRow>(
      'SELECT status_key, this_update, next_update, der FROM ocsp_responses WHERE certificate_type = ? AND serial_number = ? AND hash_algorithm = ?',
    );
  }

  /** Prepared once: every nonce-less request looks here. */
  private readonly cachedStatement;
  /**
   * The pre-signed answers most recently served, in memory: valid until their refresh time or the
   * next instant their status can change by itself (a scheduled revocation, expiry), and dropped
   * as soon as the runner folds an event about their certificate (`forget`).
   */
  private readonly memory = new Map<string, { readonly answer: OcspAnswer; readonly validUntil: number }>();

  /**
   * Nonce-less single requests by their GET path, parsed once: relying parties and caches ask the
   * same URL again and again, and decoding and parsing it was the larger part of serving a
   * pre-signed answer. Only what is parsed is kept; the answer is looked up afresh every time.
   */
  private readonly getRequests = new Map<string, ParsedOcspRequest>();

  /** A GET request (RFC 5019 §5): the base64 request as the path's last part. */
  async answerGet(type: CertificateType, pathSegment: string): Promise<OcspAnswer> {
    const key = `${type} ${pathSegment}`;
    let parsed = this.getRequests.get(key);
    if (parsed === undefined) {
      parsed = parseOcspGetRequest(pathSegment);
      if (parsed.ok && parsed.nonce === undefined && parsed.requests.length === 1) {
        if (this.getRequests.size >= GET_REQUEST_LIMIT) this.getRequests.clear();
        this.getRequests.set(key, parsed);
      }
    }
    return this.answer(type, parsed);
  }

  async answer(type: CertificateType, request: Uint8Array | ParsedOcspRequest): Promise<OcspAnswer> {
    const parsed = request instanceof Uint8Array ? parseOcspRequest(request) : request;
    if (!parsed.ok) return { der: Buffer.from(ocspErrorResponse('malformedRequest')) };
    const ca = await this.deps.issuingCas.current(type);
    if (!parsed.requests.every((certId) => issuedBy(certId, ca))) return { der: Buffer.from(ocspErrorResponse('unauthorized')) };
    const now = this.deps.clock.now();
    const [only] = parsed.requests;
    if (parsed.nonce === undefined && only !== undefined && parsed.requests.length === 1) {
      return this.remembered(type, only, now) ?? this.presigned(type, only, now);
    }
    const der = await this.sign(type, parsed.requests, now, parsed.nonce);
    return { der: Buffer.from(der) };
  }

  /**
   * Signs ahead what a nonce-less request would ask: the SHA-1 CertID answer for every certificate
   * of the read model whose status changed since the last run, and every cached answer whose
   * status has moved on (a scheduled revocation coming into effect, an expiry) or whose nextUpdate is
   * near. Returns how many answers it signed.
   */
  async presign(type: CertificateType): Promise<number> {
    const now = this.deps.clock.now();
    const ca = await this.deps.issuingCas.current(type);
    const since = prepared<[string], { position: string }>(this.db, 'SELECT position FROM ocsp_presigner WHERE certificate_type = ?').get(type)?.position ?? '0';
    const changed = this.deps.statuses.changedSince(BigInt(since), ca.keyId);
    const stale = prepared<[string, string], { serial_number: string; hash_algorithm: 'sha1' | 'sha256'; status_key: string }>(this.db,
        'SELECT serial_number, hash_algorithm, status_key FROM ocsp_responses WHERE certificate_type = ? AND next_update <= ?',
      )
      .all(type, new Date(now.getTime() + this.deps.settings.refreshBeforeSeconds * 1000).toISOString());
    const cached = prepared<[string], { serial_number: string; hash_algorithm: 'sha1' | 'sha256'; status_key: string }>(this.db,
      'SELECT serial_number, hash_algorithm, status_key FROM ocsp_responses WHERE certificate_type = ?',
    );
    const moved = cached.all(type).filter((row) => row.status_key !== this.statusKey(this.deps.statuses.bySerial(row.serial_number), ca.keyId, now));
    const todo = new Map<string, 'sha1' | 'sha256'>();
    for (const row of changed.rows) todo.set(`${row.serialNumber}/sha1`, 'sha1');
    for (const row of [...stale, ...moved]) todo.set(`${row.serial_number}/${row.hash_algorithm}`, row.hash_algorithm);
    for (const [key, algorithm] of todo) await this.store(type, certIdFor(ca, key.split('/')[0] as string, algorithm), now);
    prepared(this.db, 'INSERT INTO ocsp_presigner (certificate_type, position) VALUES (?, ?) ON CONFLICT (certificate_type) DO UPDATE SET position = excluded.position')
      .run(type, changed.position.toString());
    return todo.size;
  }

  /** Drops remembered answers about certificates the folded events change. */
  forget(events: readonly FoldedEvent[]): void {
    const serials = serialsChangedBy(events);
    if (serials.size === 0) return;
    for (const key of this.memory.keys()) if (serials.has(key.split('/')[1] as string)) this.memory.delete(key);
  }

  private remembered(type: CertificateType, certId: CertId, now: Date): OcspAnswer | undefined {
    const remembered = this.memory.get(`${type}/${certId.serialNumber}/${certId.hashAlgorithm}`);
    return remembered !== undefined && now.getTime() < remembered.validUntil ? remembered.answer : undefined;
  }

  private async presigned(type: CertificateType, certId: CertId, now: Date): Promise<OcspAnswer> {
    const key = `${type}/${certId.serialNumber}/${certId.hashAlgorithm}`;
    const answer = await this.presignedFromTable(type, certId, now);
    if (this.memory.size >= MEMORY_LIMIT) this.memory.clear();
    this.memory.set(key, { answer, validUntil: this.validUntil(answer, this.deps.statuses.bySerial(certId.serialNumber), now) });
    return answer;
  }

  /** Until the answer should be refreshed, or the certificate's status changes by the clock alone. */
  private validUntil(answer: OcspAnswer, record: CertificateStatusRow | undefined, now: Date): number {
    const refresh = (answer.cache?.nextUpdate.getTime() ?? now.getTime()) - this.deps.settings.refreshBeforeSeconds * 1000;
    const turns = [record?.revocation?.effectiveAt, record?.notAfter].map((iso) => (iso === undefined ? Infinity : Date.parse(iso))).filter((t) => t > now.getTime());
    return Math.min(refresh, ...turns);
  }

  private async presignedFromTable(type: CertificateType, certId: CertId, now: Date): Promise<OcspAnswer> {
    const ca = await this.deps.issuingCas.current(type);
    const row = this.cachedStatement.get(type, certId.serialNumber, certId.hashAlgorithm);
    const fresh =
      row !== undefined &&
      row.status_key === this.statusKey(this.deps.statuses.bySerial(certId.serialNumber), ca.keyId, now) &&
      Date.parse(row.next_update) - now.getTime() > this.deps.settings.refreshBeforeSeconds * 1000;
    if (fresh) return this.cacheable(row);
    return this.cacheable(await this.store(type, certId, now));
  }

  private cacheable(row: CachedRow): OcspAnswer {
    const der = Buffer.from(row.der);
    const thisUpdate = new Date(row.this_update);
    const nextUpdate = new Date(row.next_update);
    const etag = `"${createHash('sha1').update(der).digest('hex')}"`;
    return { der, cache: { thisUpdate, nextUpdate, etag, lastModified: thisUpdate.toUTCString(), expires: nextUpdate.toUTCString() } };
  }

  private async store(type: CertificateType, certId: CertId, now: Date): Promise<CachedRow> {
    const ca = await this.deps.issuingCas.current(type);
    const der = await this.sign(type, [certId], now);
    const row: CachedRow = {
      status_key: this.statusKey(this.deps.statuses.bySerial(certId.serialNumber), ca.keyId, now),
      this_update: wholeSeconds(now).toISOString(),
      next_update: this.nextUpdate(now).toISOString(),
      der: Buffer.from(der),
    };
    prepared(this.db,
        `INSERT INTO ocsp_responses (certificate_type, serial_number, hash_algorithm, status_key, this_update, next_update, der)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (certificate_type, serial_number, hash_algorithm) DO UPDATE SET
           status_key = excluded.status_key, this_update = excluded.this_update, next_update = excluded.next_update, der = excluded.der`,
      )
      .run(type, certId.serialNumber, certId.hashAlgorithm, row.status_key, row.this_update, row.next_update, row.der);
    return row;
  }

  private async sign(type: CertificateType, certIds: readonly CertId[], now: Date, nonce?: Uint8Array): Promise<Uint8Array> {
    const ca = await this.deps.issuingCas.current(type);
    // Statuses are judged at the exact instant; the encoded times are whole seconds, not later than it.
    const thisUpdate = wholeSeconds(now).toISOString();
    const nextUpdate = this.nextUpdate(now).toISOString();
    return signOcspResponse(
      {
        responder: this.deps.responders.current(type),
        producedAt: thisUpdate,
        responses: certIds.map((certId) => ({ certId, status: this.status(this.deps.statuses.bySerial(certId.serialNumber), ca.keyId, now), thisUpdate, nextUpdate })),
        ...(nonce === undefined ? {} : { nonce }),
      },
      this.deps.signer,
    );
  }

  private nextUpdate(now: Date): Date {
    return new Date(wholeSeconds(now).getTime() + this.deps.settings.validitySeconds * 1000);
  }

  /** The answer for one certificate, by the rule the status API and the CRLs follow. */
  private status(record: CertificateStatusRow | undefined, issuerKeyId: string, now: Date): CertStatus {
    if (record === undefined || record.issuerKeyId !== issuerKeyId) return { kind: 'unknown' };
    const status = statusAt(record, now);
    switch (status.status) {
      case 'good':
        return { kind: 'good' };
      case 'revoked':
        return { kind: 'revoked', revocationTime: wholeSeconds(new Date(status.effectiveAt)).toISOString(), reason: status.reason };
      case 'on-hold':
        return { kind: 'revoked', revocationTime: wholeSeconds(new Date(status.effectiveAt)).toISOString(), reason: 'certificateHold' };
      case 'expired':
        return { kind: 'unknown' };
    }
  }

  private statusKey(record: CertificateStatusRow | undefined, issuerKeyId: string, now: Date): string {
    return JSON.stringify(this.status(record, issuerKeyId, now));
  }
}
