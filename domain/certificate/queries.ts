/**
 * Reading a certificate with its full history. A signing certificate carries the basic four
 * information, so reading it is a recorded disclosure; a user-authentication certificate carries
 * none and leaves no record.
 */
import * as E from 'fp-ts/lib/Either.js';
import { recordDisclosure, type AccessDeps } from '../access/read-with-record.js';
import { mayActFor, type Caller } from '../shared/caller.js';
import { load } from '../shared/command-handler.js';
import { notFound, type DomainError } from '../shared/errors.js';
import { historyOf, type HistoryEntry } from '../shared/history.js';
import { certificateAggregate } from './aggregate.js';
import { certificateStream } from './decider.js';
import type { CertificateState } from './state.js';

export interface CertificateView {
  readonly state: Exclude<CertificateState, { status: 'none' }>;
  /** base64 DER */
  readonly certificate: string;
  readonly history: readonly HistoryEntry[];
  readonly position: bigint;
}

export async function readCertificate(
  deps: AccessDeps,
  caller: Caller,
  serialNumber: string,
  purpose: string | undefined,
): Promise<E.Either<DomainError, CertificateView>> {
  const { state, recorded } = await load(deps.store, certificateAggregate, certificateStream(serialNumber));
  if (state.status === 'none') return E.left(notFound('certificate-not-found', 'There is no certificate with this serial number.'));
  const refused = mayActFor(caller, state.facts.municipalityCode);
  if (refused !== undefined) return E.left(refused);
  const issued = recorded[0]?.data as { personal?: { certificate?: string } } | undefined;
  const certificate = issued?.personal?.certificate ?? '';
  const last = recorded[recorded.length - 1]?.position ?? 0n;
  if (state.facts.certificateType !== 'signing') return E.right({ state, certificate, history: historyOf(recorded), position: last });
  const recordedAt = await recordDisclosure(deps, caller, purpose, {
    function: 'certificate.read',
    items: ['name', 'dateOfBirth', 'sex', 'address'],
    holderRef: state.facts.holderRef,
    municipalityCode: state.facts.municipalityCode,
    subject: { kind: 'certificate', id: serialNumber },
  });
  return E.map((position: bigint) => ({ state, certificate, history: historyOf(recorded), position }))(recordedAt);
}
