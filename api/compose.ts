/**
 * Wires the ledger's services from configuration: the key store and the two issuing CAs (established
 * on first start), the X.509 CA, the holder pseudonym key, the issuance profile, the purposes, and
 * the read models (their runner is started by the server).
 */
import { join } from 'node:path';
import { DEFAULT_PURPOSES } from '../domain/access/purposes.js';
import type { Clock } from '../domain/ports/clock.js';
import type { EventStore } from '../domain/ports/event-store.js';
import { HOLDER_REF_KEY_FILE, loadOrCreateSecret } from '../infrastructure/auth/secrets.js';
import { establishLogSealer } from '../infrastructure/audit/log-sealer.js';
import { FileKeyStore } from '../infrastructure/ca/file-key-store.js';
import { defaultIssuerNames, establishIssuingCas } from '../infrastructure/ca/issuing-cas.js';
import { establishOcspResponders } from '../infrastructure/ca/ocsp-responders.js';
import { X509CertificateAuthority } from '../infrastructure/ca/x509-certificate-authority.js';
import type { Config } from '../infrastructure/config/config.js';
import { ClaimingStore } from '../infrastructure/event-store/claiming-store.js';
import { groupCommit } from '../infrastructure/event-store/group-commit.js';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { hmacActorPseudonyms, hmacHolderRefs, idSource } from '../infrastructure/ids/id-source.js';
import { DEFAULT_REPORT_SETTINGS } from '../domain/audit/access-report.js';
import { CrlPublisher } from '../projections/crl/crl-publisher.js';
import { CrlHistory } from '../projections/crl/crl-reproduction.js';
import { OcspService } from '../projections/ocsp/ocsp-service.js';
import { RegistryReactor } from '../projections/registry/registry-reactor.js';
import { openReadModelsFor, openReadModelsInWorker, readModelFile } from '../projections/read-models.js';
import { AppendSignal } from '../projections/worker/append-signal.js';
import { WorkerRegistryReactor } from '../projections/worker/worker-reactor.js';
import { systemClock } from '../infrastructure/clock/system-clock.js';
import type { RunnerLog } from '../projections/runner.js';
import type { LedgerDeps } from './ledger-deps.js';

export const CA_KEYS_DIR = 'ca-keys';
export const CRL_DIR = 'crl';

export async function composeLedger(
  config: Config,
  store: EventStore,
  clock: Clock,
  log?: RunnerLog,
): Promise<LedgerDeps & { readonly issuingCas: Awaited<ReturnType<typeof establishIssuingCas>> }> {
  const keyStore = new FileKeyStore(join(config.dataDir, CA_KEYS_DIR));
  const names = defaultIssuerNames(config.LEDGER_PREFECTURE);
  const issuingCas = await establishIssuingCas(
    { store, keyStore, clock, ids: idSource },
    {
      keyAlgorithm: config.LEDGER_CA_KEY_ALGORITHM,
      names: {
        signing: config.LEDGER_CA_NAME_SIGNING ?? names.signing,
        'user-authentication': config.LEDGER_CA_NAME_USER_AUTHENTICATION ?? names['user-authentication'],
      },
    },
  );
  const cpsUri = config.LEDGER_CPS_URI ?? `${config.publicUrl}/cps`;
  const responders = await establishOcspResponders(
    { store, keyStore, clock, ids: idSource, issuingCas },
    {
      keyAlgorithm: config.LEDGER_CA_KEY_ALGORITHM,
      validityDays: config.LEDGER_OCSP_RESPONDER_VALIDITY_DAYS,
      rotateWithinDays: config.LEDGER_OCSP_RESPONDER_ROTATE_DAYS,
    },
  );
  const inWorkers = config.LEDGER_PROJECTION_WORKER === 'on';
  // Appends through this thread's embedded store, and those a worker reports, wake the workers' subscriptions.
  const appends = inWorkers && store instanceof SqliteEventStore ? new AppendSignal() : undefined;
  if (appends !== undefined && store instanceof SqliteEventStore) store.onAppend(() => appends.emit());
  const wake = appends === undefined ? {} : { onAppend: (listener: () => void) => appends.on(listener) };
  const readModels = inWorkers ? openReadModelsInWorker(config.dataDir, config, { ...(log === undefined ? {} : { log }), ...wake }) : openReadModelsFor(config.dataDir, store, log);
  const ocsp = new OcspService(readModels.db, {
    issuingCas,
    responders,
    signer: keyStore,
    statuses: readModels.certificateStatus,
    clock,
    settings: { validitySeconds: config.LEDGER_OCSP_VALIDITY_SECONDS, refreshBeforeSeconds: config.LEDGER_OCSP_REFRESH_BEFORE_SECONDS },
  });
  readModels.runner.onFolded((events) => ocsp.forget(events));
  const crls = new CrlPublisher(readModels.db, {
    store,
    ids: idSource,
    issuingCas,
    signer: keyStore,
    statuses: readModels.certificateStatus,
    clock,
    publicUrl: config.publicUrl,
    directory: join(config.dataDir, CRL_DIR),
    settings: {
      nextUpdateSeconds: config.LEDGER_CRL_NEXT_UPDATE_SECONDS,
      minIntervalSeconds: config.LEDGER_CRL_MIN_INTERVAL_SECONDS,
      refreshBeforeSeconds: config.LEDGER_CRL_REFRESH_BEFORE_SECONDS,
    },
  });
  // The worker's reactor runs on the system clock; a ledger composed with another clock (tests) keeps it here.
  const registryReactor =
    inWorkers && clock === systemClock
      ? new WorkerRegistryReactor(
          readModels.db,
          { store: config, readModelFile: readModelFile(config.dataDir) },
          { ...(log === undefined ? {} : { log }), ...wake, appended: () => appends?.emit() },
        )
      : new RegistryReactor(readModels.db, store, readModels.runner, { store, ids: idSource, clock, register: readModels.certificateStatus, notices: readModels.registryNotices }, log);
  if (registryReactor instanceof WorkerRegistryReactor) readModels.runner.onFolded(() => registryReactor.folded());
  const logSealer = await establishLogSealer({ store, keyStore, clock, ids: idSource, tree: readModels.merkleLog }, config.LEDGER_CA_KEY_ALGORITHM);
  const pseudonymKey = loadOrCreateSecret(config.LEDGER_HOLDER_REF_KEY, config.dataDir, HOLDER_REF_KEY_FILE);
  const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  // Commands' appends: committed together per turn of the event loop on the embedded store, each
  // carrying its key's claim when it is the command's first.
  const claiming = new ClaimingStore(store.kind === 'sqlite' ? groupCommit(store) : store);
  return {
    store: claiming.store,
    claims: claiming,
    clock,
    ids: idSource,
    holderRefs: hmacHolderRefs(pseudonymKey),
    actorPseudonym: hmacActorPseudonyms(pseudonymKey),
    reportSettings: {
      ...DEFAULT_REPORT_SETTINGS,
      businessStartMinute: minutes(config.LEDGER_BUSINESS_HOURS.slice(0, 5)),
      businessEndMinute: minutes(config.LEDGER_BUSINESS_HOURS.slice(6)),
      minCell: config.LEDGER_REPORT_MIN_CELL,
    },
    ca: new X509CertificateAuthority(keyStore),
    issuingCas,
    profile: {
      prefecture: config.LEDGER_PREFECTURE,
      publicUrl: config.publicUrl,
      policies: {
        signing: { oid: config.LEDGER_POLICY_OID_SIGNING, cpsUri },
        'user-authentication': { oid: config.LEDGER_POLICY_OID_USER_AUTHENTICATION, cpsUri },
      },
      validityRule: config.LEDGER_VALIDITY_RULE,
    },
    purposes: DEFAULT_PURPOSES,
    holdLifting: config.LEDGER_HOLD_LIFTING === 'on',
    readModels,
    responders,
    ocsp,
    crls,
    crlHistory: new CrlHistory({ store, timeline: readModels.certificateTimeline, signer: keyStore, publicUrl: config.publicUrl, freshness: readModels.runner }),
    registryReactor,
    logSealer,
  };
}
