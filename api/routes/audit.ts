/**
 * The provable log, for auditors: the latest signed checkpoint (with the exact bytes signed and the
 * sealing key, so `openssl dgst -verify` can check it), sealing one on demand, and inclusion and
 * consistency proofs (RFC 9162) against any folded tree size.
 */
import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { sealingKeyPem, statementBytes, statementOf } from '../../infrastructure/audit/checkpoint.js';
import type { SealedCheckpoint } from '../../infrastructure/audit/log-sealer.js';
import { consistencyProofFor, inclusionProofFor } from '../../projections/audit/log-proofs.js';
import type { LedgerDeps } from '../ledger-deps.js';
import { problem, sendProblem } from '../problems/problem.js';
import { reply } from './results.js';

const auditors = { access: { roles: ['auditor'] } } as const;
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
};
