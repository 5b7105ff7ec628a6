/**
 * `npm run bench -- audit [--events N]`: a ledger of N events — 60% certificate lifecycles (issued,
 * delivered, revoked or held), 40% access records spread over a year — and, each beside a baseline in
 * the same run: a full replay of every projection (events/s) beside reading the log; `verify` of the
 * whole log with a checkpoint (events/s) beside reading it; status-as-of lookups through the service
 * layer (per second; target ≥ 5,000) beside live status lookups; the access report over the year
 * (seconds; target < 2).
 */
import { join } from 'node:path';
import { DEFAULT_REPORT_SETTINGS, accessReport } from '../../domain/audit/access-report.js';
import type { NewEvent } from '../../domain/ports/event-store.js';
import type { Caller } from '../../domain/shared/caller.js';
import { checkpointWitness } from '../../infrastructure/audit/checkpoint-verifier.js';
import { establishLogSealer } from '../../infrastructure/audit/log-sealer.js';
import { FileKeyStore } from '../../infrastructure/ca/file-key-store.js';
import { SqliteEventStore } from '../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { verifySqliteFile } from '../../infrastructure/event-store/sqlite/sqlite-integrity.js';
import { hmacActorPseudonyms, idSource } from '../../infrastructure/ids/id-source.js';
import { certificateStatus, certificateStatusAsOf } from '../../projections/certificate-status/status-query.js';
import { openReadModelsFor } from '../../projections/read-models.js';
import { certificateLog } from '../support/certificate-log.js';
import { systemClock } from '../support/clocks.js';
import { tempDir } from '../support/temp-dir.js';

/** A JST midnight: the access records' minutes are JST minutes, and the year's report covers whole JST days. */
const YEAR_START = Date.parse('2025-11-25T00:00:00+09:00');
const DAY = 86_400_000;

/** Access records over a year: 40 clerks and 10 operators, mostly in business hours, about the seeded holders. */
async function accessRecords(file: string, count: number): Promise<void> {
  const store = new SqliteEventStore({ file, clock: systemClock, synchronous: 'NORMAL' });
  const perDay = Math.ceil(count / 365);
  let written = 0;
  for (let day = 0; written < count; day += 1) {
    const events: NewEvent[] = [];
    for (let i = 0; i < perDay && written + events.length < count; i += 1) {
      const n = written + events.length;
      const clerk = n % 5 !== 0;
      const minute = (n * 37) % (n % 50 === 0 ? 1440 : 540) + (n % 50 === 0 ? 0 : 510);
      const actor = clerk ? { id: `clerk-${n % 40}`, role: 'municipal-clerk', organisation: String(131016 + (n % 40)) } : { id: `operator-${n % 10}`, role: 'prefectural-operator', organisation: 'tokyo' };
      events.push({
        id: `00000000-0000-4000-9000-${n.toString(16).padStart(12, '0')}`,
        type: 'PersonalInformationAccessed',
        schemaVersion: 1,
        data: {
          function: clerk ? 'application.read' : 'certificate.read',
          purpose: clerk ? 'application-processing' : 'certificate-administration',
          purposeStated: n % 3 !== 0,
          legalBasis: 'JPKI Act',
          items: ['name', 'dateOfBirth', 'sex', 'address'],
          holderRef: ((n * 7919) % 50_000).toString(16).padStart(64, '0'),
          municipalityCode: String(131016 + (n % 40)),
          subject: { kind: 'certificate', id: 'bench' },
          recipient: actor.organisation,
          accessedAt: new Date(YEAR_START + day * DAY + minute * 60_000).toISOString(),
        },
        metadata: { actor, correlationId: 'bench', causationId: 'bench' },
      });
    }
    await store.append(`access-day-${day}`, events, { expectedRevision: 'any' });
    written += events.length;
  }
  await store.close();
}

function perSecond(count: number, ms: number): string {
  return Math.round((count / ms) * 1000).toLocaleString('en-US');
}

export async function runAuditBench(options: { events: number; lookups: number }): Promise<void> {
  const dir = tempDir('jpki-bench-audit-');
  try {
    const file = join(dir.path, 'events.sqlite');
    const seeding = performance.now();
    const lifecycle = await certificateLog(file, Math.round(options.events * 0.6));
    await accessRecords(file, options.events - lifecycle);
    console.log(`audit benchmark — ${options.events.toLocaleString('en-US')} events seeded in ${((performance.now() - seeding) / 1000).toFixed(0)} s (${lifecycle.toLocaleString('en-US')} lifecycle, ${(options.events - lifecycle).toLocaleString('en-US')} access records over a year)`);
    console.log('| measure | result | baseline (same run) | ratio | target |');
    console.log('|---|---:|---:|---:|---:|');

    const store = new SqliteEventStore({ file, clock: systemClock, synchronous: 'NORMAL' });
    let started = performance.now();
    let read = 0;
    for await (const event of store.readAll()) read += event.metadata.hash.length > 0 ? 1 : 0;
    const readMs = performance.now() - started;

    const readModels = openReadModelsFor(dir.path, store);
    started = performance.now();
    await readModels.runner.catchUp();
    const replayMs = performance.now() - started;
    console.log(`| full replay of every projection | ${perSecond(read, replayMs)} events/s | reading the log: ${perSecond(read, readMs)} events/s | ${Math.round((readMs / replayMs) * 100)}% | — |`);

    const sealer = await establishLogSealer({ store, keyStore: new FileKeyStore(join(dir.path, 'keys')), clock: systemClock, ids: idSource, tree: readModels.merkleLog }, 'RSA-2048');
    await readModels.runner.catchUp();
    await sealer.seal();
    started = performance.now();
    const report = verifySqliteFile(file, checkpointWitness());
    const verifyMs = performance.now() - started;
    if (report.broken !== undefined || report.checkpoints?.checked !== 1) throw new Error(`verify did not pass: ${JSON.stringify(report.broken)}`);
    console.log(`| verify (chains, global order, 1 checkpoint) | ${perSecond(report.eventsChecked, verifyMs)} events/s | reading the log: ${perSecond(read, readMs)} events/s | ${Math.round((readMs / verifyMs) * 100)}% | — |`);

    const auditor: Caller = { actor: { id: 'bench-auditor', role: 'auditor', organisation: 'audit' }, correlationId: 'b', causationId: 'b', idempotencyKey: 'b' };
    const certificates = Math.ceil(lifecycle / 3);
    const serialOf = (i: number) => (0x10000000 + ((i * 7919) % certificates)).toString(16).toUpperCase();
    const deps = { queries: readModels.certificateStatus, timeline: readModels.certificateTimeline, freshness: readModels.runner, clock: systemClock };
    started = performance.now();
    for (let i = 0; i < options.lookups; i += 1) await certificateStatus(deps, auditor, serialOf(i), undefined);
    const liveMs = performance.now() - started;
    started = performance.now();
    for (let i = 0; i < options.lookups; i += 1) {
      const asOf = new Date(YEAR_START + ((i * 104_729) % (365 * DAY)));
      const answer = certificateStatusAsOf(deps, auditor, serialOf(i), asOf, undefined);
      if (answer._tag === 'Left') throw new Error(answer.left.detail);
    }
    const asOfMs = performance.now() - started;
    console.log(`| status-as-of lookups (service layer) | ${perSecond(options.lookups, asOfMs)} /s | live status lookups: ${perSecond(options.lookups, liveMs)} /s | ${Math.round((liveMs / asOfMs) * 100)}% | ≥ 5,000/s |`);

    started = performance.now();
    const settings = DEFAULT_REPORT_SETTINGS;
    const year = accessReport(readModels.accessLog.aggregates(new Date(YEAR_START), new Date(YEAR_START + 365 * DAY), settings), settings, hmacActorPseudonyms('bench-key-of-at-least-32-characters!'));
    const reportMs = performance.now() - started;
    console.log(`| access report over a year (${String(year.total)} accesses) | ${(reportMs / 1000).toFixed(2)} s | — | — | < 2 s |`);
    await readModels.close();
    await store.close();
  } finally {
    dir.remove();
  }
}
