/**
 * The background work of publication, on a timer: issue the CRLs that changed or are due, keep
 * OCSP answers signed ahead, rotate responders, and seal a checkpoint of the log when one is due. Runs one pass at a time. After a
 * failed pass the timer's passes pause, longer after each failure in a row (failure-backoff.ts); the log says when passes start
 * failing and when they succeed again, not each failure.
 */
import { CERTIFICATE_TYPES } from '../domain/application/events.js';
import type { LogSealer } from '../infrastructure/audit/log-sealer.js';
import type { OcspResponders } from '../infrastructure/ca/ocsp-responders.js';
import type { CrlPublisher } from './crl/crl-publisher.js';
import type { OcspService } from './ocsp/ocsp-service.js';
import { FailureBackoff } from './failure-backoff.js';
import type { RunnerLog } from './runner.js';

export interface PublicationLoop {
  /** One pass now (tests and start-up). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

const ROTATION_CHECK_MS = 60 * 60 * 1000;

export function startPublicationLoop(
  deps: { crls: CrlPublisher; ocsp: OcspService; responders: OcspResponders; sealer?: { readonly seal: LogSealer['seal']; readonly everyMs: number }; log?: RunnerLog },
  intervalMs: number,
): PublicationLoop {
  let running: Promise<void> = Promise.resolve();
  let lastRotationCheck = Date.now();
  let lastSeal = Date.now();
  let stopped = false;
  const backoff = new FailureBackoff('status publication', deps.log, { initialMs: intervalMs });
  /** The timer's passes wait until then after a failure. */
  let resumeAt = 0;

  const pass = async (): Promise<void> => {
    if (Date.now() - lastRotationCheck > ROTATION_CHECK_MS) {
      lastRotationCheck = Date.now();
      await deps.responders.rotate();
    }
    await deps.crls.publish();
    for (const type of CERTIFICATE_TYPES) await deps.ocsp.presign(type);
    if (deps.sealer !== undefined && Date.now() - lastSeal >= deps.sealer.everyMs) {
      lastSeal = Date.now();
      await deps.sealer.seal();
    }
  };
  const runOnce = (): Promise<void> => {
    running = running
      .then(pass)
      .then(
        () => backoff.succeeded(),
        (error: unknown) => {
          resumeAt = Date.now() + backoff.failed(error);
        },
      );
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped && Date.now() >= resumeAt) void runOnce();
  }, intervalMs);
  timer.unref();
  return {
    runOnce,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
