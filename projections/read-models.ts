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
import { ProjectionRunner, type ReadModelRunner, type RunnerLog } from './runner.js';
import type { RunnerWorkerData } from './worker/messages.js';
import { WorkerProjectionRunner, type WorkerRunnerOptions } from './worker/worker-runner.js';

export const PROJECTIONS: readonly Projection[] = [certificateStatusProjection, registryNoticesProjection, merkleLogProjection, certificateTimelineProjection, accessLogProjection];

export interface ReadModels<Runner extends ReadModelRunner = ReadModelRunner> {
  readonly db: Database.Database;
  readonly runner: Runner;
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

/** The read models with their runner in this thread (the CLI's catch-up and rebuild, tests). */
export function openReadModelsFor(dataDir: string, store: EventStore, log?: RunnerLog): ReadModels<ProjectionRunner> {
  return readModelsOver(openReadModels(readModelFile(dataDir)), (db) => new ProjectionRunner(store, db, PROJECTIONS, log === undefined ? {} : { log }));
}

/** The read models folded by a worker thread with its own connection to the store (the server). */
export function openReadModelsInWorker(
  dataDir: string,
  store: RunnerWorkerData['store'],
  options: WorkerRunnerOptions = {},
): ReadModels<WorkerProjectionRunner> {
  const file = readModelFile(dataDir);
  return readModelsOver(openReadModels(file), (db) => new WorkerProjectionRunner(db, PROJECTIONS, { store, readModelFile: file }, options));
}

function readModelsOver<Runner extends ReadModelRunner>(db: Database.Database, runnerFor: (db: Database.Database) => Runner): ReadModels<Runner> {
  const runner = runnerFor(db);
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
