/** The counter's routes: applications, identity checks, resident keys, issuance, withdrawal and rejection. */
import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { readApplication } from '../../domain/application/queries.js';
import {
  recordIdentityVerification,
  rejectApplication,
  submitApplication,
  submitPublicKey,
  withdrawApplication,
} from '../../domain/application/services.js';
import { issueCertificate } from '../../domain/issuance/issue-certificate.js';
import { callerOf } from '../auth/caller.js';
import type { LedgerDeps } from '../ledger-deps.js';
import { toPem } from './pem.js';
import { reply } from './results.js';
import { disclosing } from './disclosing.js';
import {
  applicationBody,
  applicationParams,
  closeBody,
  identityVerificationBody,
  publicKeyBody,
  purposeQuery,
  withdrawBody,
} from './schemas.js';

const clerks = { access: { roles: ['municipal-clerk'] } } as const;
const operators = { access: { roles: ['prefectural-operator'] } } as const;
const readers = { access: { roles: ['municipal-clerk', 'prefectural-operator', 'auditor'] } } as const;

export const applicationRoutes: FastifyPluginAsyncZod<{ deps: LedgerDeps }> = async (app, { deps }) => {
  app.post('/v1/applications', { config: clerks, schema: { body: applicationBody } }, async (request, res) => {
    const { renewalOf, ...input } = request.body;
    const result = await submitApplication(deps, callerOf(request), { ...input, ...(renewalOf === undefined ? {} : { renewalOf }) });
    return reply(res, result, ({ applicationId, position }) =>
      res.code(201).header('location', `/v1/applications/${applicationId}`).send({ applicationId, position: position.toString() }),
    );
  });

  app.post('/v1/applications/:id/identity-verification', { config: clerks, schema: { params: applicationParams, body: identityVerificationBody } }, async (request, res) => {
    const { note, ...input } = request.body;
    const result = await recordIdentityVerification(deps, callerOf(request), request.params.id, { ...input, ...(note === undefined ? {} : { note }) });
    return reply(res, result, ({ position }) => ({ applicationId: request.params.id, position: position.toString() }));
  });

  app.post('/v1/applications/:id/public-key', { config: clerks, schema: { params: applicationParams, body: publicKeyBody } }, async (request, res) => {
    const result = await submitPublicKey(deps, callerOf(request), request.params.id, request.body.csr);
    return reply(res, result, ({ position }) => ({ applicationId: request.params.id, position: position.toString() }));
  });

  app.post('/v1/applications/:id/issuance', { config: operators, schema: { params: applicationParams } }, async (request, res) => {
    const result = await issueCertificate(deps, callerOf(request), request.params.id);
    return reply(res, result, (issued) =>
      res
        .code(201)
        .header('location', `/v1/certificates/${issued.serialNumber}`)
        .send({
          serialNumber: issued.serialNumber,
          certificatePem: toPem('CERTIFICATE', issued.certificate),
          notBefore: issued.notBefore,
          notAfter: issued.notAfter,
          position: issued.position.toString(),
        }),
    );
  });

  app.post('/v1/applications/:id/withdrawal', { config: clerks, schema: { params: applicationParams, body: withdrawBody } }, async (request, res) => {
    const result = await withdrawApplication(deps, callerOf(request), request.params.id, request.body?.reason);
    return reply(res, result, ({ position }) => ({ applicationId: request.params.id, position: position.toString() }));
  });

  app.post('/v1/applications/:id/rejection', { config: clerks, schema: { params: applicationParams, body: closeBody } }, async (request, res) => {
    const result = await rejectApplication(deps, callerOf(request), request.params.id, request.body.reason);
    return reply(res, result, ({ position }) => ({ applicationId: request.params.id, position: position.toString() }));
  });

  app.get(
    '/v1/applications/:id',
    { ...disclosing, config: readers, schema: { params: applicationParams, querystring: purposeQuery(deps.purposes.map((p) => p.name)) } },
    async (request, res) => {
      const result = await readApplication(deps, callerOf(request), request.params.id, request.query.purpose);
      return reply(res, result, ({ state, history, position }) => ({
        ...state.facts,
        status: state.status,
        ...(state.status === 'issued' ? { serialNumber: state.serialNumber } : {}),
        ...(state.status === 'issuance-prepared' ? { serialNumber: state.prepared.serialNumber } : {}),
        history,
        position: position.toString(),
      }));
    },
  );
};
