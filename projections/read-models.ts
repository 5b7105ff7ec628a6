/**
 * The read models of a ledger: the database file, the projections, the runner that feeds them, and
 * the queries over them.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { EventStore } from '../domain/ports/event-store.js';
import { accessLogProjection } from './audit/access-log.js';
import { AccessLog } from './audit/access-log-queries.js';
import { MerkleLog, merkleLogProjection } from './audit/merkle-log.js';
import { CertificateStatusQueries, certificateStatusProjection } from './certificate-status/certificate-status.js';
import { CertificateTimeline, certificateTimelineProjection } from './certificate-status/certificate-timeline.js';
import type { Projection } from './projection.js';
import { openReadModels, READ_MODEL_FILE } from './read-model-db.js';
import { RegistryNoticeQueries, registryNoticesProjection } from './registry/registry-notices.js';
import { ProjectionRunner, type RunnerLog } from './runner.js';

export const PROJECTIONS: readonly Projection[] = [certificateStatusProjection, registryNoticesProjection, merkleLogProjection, certificateTimelineProjection, accessLogProjection];

export interface ReadModels {
  readonly db: Database.Database;
  readonly runner: ProjectionRunner;
  readonly certificateStatus: CertificateStatusQueries;
  readonly registryNotices: RegistryNoticeQueries;
  readonly merkleLog: MerkleLog;
  readonly certificateTimeline: CertificateTimeline;
  readonly accessLog: AccessLog;
  close(): Promise<void>;
}

export function readModelFile(dataDir: string): string {
  return join(dataDir, READ_MODEL_FILE);
}

export function openReadModelsFor(dataDir: string, store: EventStore, log?: RunnerLog): ReadModels {
  const db = openReadModels(readModelFile(dataDir));
  const runner = new ProjectionRunner(store, db, PROJECTIONS, log === undefined ? {} : { log });
  const certificateStatus = new CertificateStatusQueries(db);
  runner.onFolded((events) => certificateStatus.forget(events));
  return {
    db,
    runner,
    certificateStatus,
    registryNotices: new RegistryNoticeQueries(db),
    merkleLog: new MerkleLog(db),
    certificateTimeline: new CertificateTimeline(db),
    accessLog: new AccessLog(db),
    close: async () => {
      await runner.stop();
      db.close();
    },
  };
}
