/**
 * Audit: the provable log (the latest signed checkpoint with the exact bytes signed and the sealing
 * key, so `openssl dgst -verify` can check it; sealing one on demand; RFC 9162 inclusion and
 * consistency proofs), the access report for the privacy council (JSON, CSV or a printable page by
 * `Accept`), and a resident's disclosure request.
 */
import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { sealingKeyPem, statementBytes, statementOf } from '../../infrastructure/audit/checkpoint.js';
import type { SealedCheckpoint } from '../../infrastructure/audit/log-sealer.js';
import { consistencyProofFor, inclusionProofFor } from '../../projections/audit/log-proofs.js';
import type { LedgerDeps } from '../ledger-deps.js';
import { problem, sendProblem } from '../problems/problem.js';
import { reply } from './results.js';
import { accessReport } from '../../domain/audit/access-report.js';
import { disclosuresOf } from '../../domain/audit/disclosures.js';
import { callerOf } from '../auth/caller.js';
import { accessReportCsv } from '../views/access-report-csv.js';
import { accessReportHtml } from '../views/access-report-html.js';
import { disclosing } from './disclosing.js';

const auditors = { access: { roles: ['auditor'] } } as const;
const council = { access: { roles: ['privacy-council', 'auditor'] } } as const;

const JST = '+09:00';
/** A day (JST, whole) or an instant. */
const periodEnd = (end: 'from' | 'to') =>
  z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'must be a date (YYYY-MM-DD, a JST day) or an instant with a time zone' }).transform((v) => {
    if (v.length !== 10) return new Date(v);
    const start = new Date(`${v}T00:00:00${JST}`);
    return end === 'from' ? start : new Date(start.getTime() + 86_400_000);
  });
const reportQuery = z
  .object({ from: periodEnd('from'), to: periodEnd('to') })
  .refine((q) => q.from.getTime() < q.to.getTime(), { error: 'must be after from', path: ['to'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= 400 * 86_400_000, { error: 'a report covers at most 400 days', path: ['to'] });
const sealers = { access: { roles: ['auditor', 'prefectural-operator'] } } as const;
const treeSize = z.coerce.number({ error: 'must be a whole number of events, at least 1' }).int().min(1, { error: 'must be a whole number of events, at least 1' }).max(Number.MAX_SAFE_INTEGER);

/** How long an on-demand seal waits for the log tree to fold what was appended before the request. */
const SEAL_WAIT_MS = 5000;

export const auditRoutes: FastifyPluginAsyncZod<{ deps: LedgerDeps }> = async (app, { deps }) => {
  const present = (sealed: SealedCheckpoint) => ({
    ...sealed.checkpoint,
    position: sealed.position.toString(),
    statement: statementBytes(statementOf(sealed.checkpoint)).toString('utf8'),
    publicKey: sealingKeyPem(deps.logSealer.key),
  });

  app.get('/v1/audit/checkpoints/latest', { config: auditors }, async (_request, res) => {
    const latest = await deps.logSealer.latest();
    if (latest === undefined) return sendProblem(res, problem(404, 'no-checkpoint', 'No checkpoint yet', 'No checkpoint of the log has been sealed yet.'));
    return present(latest);
  });

  app.post('/v1/audit/checkpoints', { config: sealers }, async (_request, res) => {
    const before = await deps.logSealer.latest();
    await deps.readModels.runner.waitFor(await deps.store.headPosition(), SEAL_WAIT_MS);
    const sealed = await deps.logSealer.seal();
    if (sealed === undefined) return sendProblem(res, problem(409, 'empty-log', 'Nothing to seal', 'The log holds no events yet.'));
    return res.code(sealed.position === before?.position ? 200 : 201).send(present(sealed));
  });

  app.get(
    '/v1/audit/proofs/inclusion',
    { config: auditors, schema: { querystring: z.object({ position: z.coerce.bigint({ error: 'must be a global position' }).min(1n, { error: 'must be a global position' }), treeSize }) } },
    async (request, res) => reply(res, inclusionProofFor(deps.readModels.merkleLog, request.query.position, request.query.treeSize), (answer) => answer),
  );

  app.get(
    '/v1/audit/proofs/consistency',
    { config: auditors, schema: { querystring: z.object({ from: treeSize, to: treeSize }) } },
    async (request, res) => reply(res, consistencyProofFor(deps.readModels.merkleLog, request.query.from, request.query.to), (answer) => answer),
  );

  app.get('/v1/audit/access-report', { config: council, schema: { querystring: reportQuery } }, async (request, res) => {
    const settings = deps.reportSettings;
    const report = accessReport(deps.readModels.accessLog.aggregates(request.query.from, request.query.to, settings), settings, deps.actorPseudonym);
    const accept = request.headers.accept ?? '';
    void res.header('vary', 'accept').header('cache-control', 'private, no-store');
    if (accept.includes('text/html')) return res.type('text/html; charset=utf-8').send(accessReportHtml(report));
    if (accept.includes('text/csv')) return res.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="access-report.csv"').send(accessReportCsv(report));
    return report;
  });

  app.get(
    '/v1/audit/disclosures',
    { ...disclosing, config: auditors, schema: { querystring: z.object({ residentRecordCode: z.string().regex(/^\d{11}$/, { error: 'must be the 11-digit resident record code' }) }) } },
    async (request, res) => {
      const result = await disclosuresOf({ ...deps, accessRecords: deps.readModels.accessLog }, callerOf(request), request.query.residentRecordCode);
      void res.header('cache-control', 'private, no-store');
      return reply(res, result, ({ disclosures, recordedAt }) => ({ residentRecordCode: request.query.residentRecordCode, disclosures, requestRecordedAt: recordedAt.toString() }));
    },
  );
};
