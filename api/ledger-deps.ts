/** Everything the application services need, wired once in the composition root (server.ts). */
import type { Purpose } from '../domain/access/purposes.js';
import type { IssuanceProfile } from '../domain/issuance/leaf-request.js';
import type { CertificateAuthority, IssuingCas } from '../domain/ports/certificate-authority.js';
import type { Clock } from '../domain/ports/clock.js';
import type { EventStore } from '../domain/ports/event-store.js';
import type { HolderRefs, IdSource } from '../domain/ports/ids.js';
import type { PendingClaims } from '../domain/shared/command-key.js';
import type { ReportSettings } from '../domain/audit/access-report.js';
import type { LogSealer } from '../infrastructure/audit/log-sealer.js';
import type { OcspResponders } from '../infrastructure/ca/ocsp-responders.js';
import type { CrlPublisher } from '../projections/crl/crl-publisher.js';
import type { CrlHistory } from '../projections/crl/crl-reproduction.js';
import type { OcspService } from '../projections/ocsp/ocsp-service.js';
import type { ReadModels } from '../projections/read-models.js';
import type { RegistryReactorHandle } from '../projections/registry/registry-reactor.js';

export interface LedgerDeps {
  /** The store as commands see it: a claim held for an idempotency key rides on its command's first append. */
  readonly store: EventStore;
  /** Where command routes hold those claims (api/command-keys.ts). */
  readonly claims: PendingClaims;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly holderRefs: HolderRefs;
  readonly ca: CertificateAuthority;
  readonly issuingCas: IssuingCas;
  readonly profile: IssuanceProfile;
  readonly purposes: readonly Purpose[];
  /** Policy option: a hold may be lifted (LEDGER_HOLD_LIFTING). */
  readonly holdLifting: boolean;
  readonly readModels: ReadModels;
  readonly responders: OcspResponders;
  readonly ocsp: OcspService;
  readonly crls: CrlPublisher;
  readonly crlHistory: CrlHistory;
  readonly registryReactor: RegistryReactorHandle;
  readonly logSealer: LogSealer;
  readonly reportSettings: ReportSettings;
  /** How reports name staff: a keyed pseudonym of the actor id. */
  readonly actorPseudonym: (actorId: string) => string;
}
