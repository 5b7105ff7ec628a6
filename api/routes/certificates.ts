/** Certificates: delivery, holds (and lifting them, where the policy allows), revocations, and reading one with its history. */
import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { readCertificate } from '../../domain/certificate/queries.js';
import { liftHold, placeHold, recordDelivery, revokeCertificate } from '../../domain/certificate/services.js';
import { callerOf } from '../auth/caller.js';
import type { LedgerDeps } from '../ledger-deps.js';
import { toPem } from './pem.js';
import { reply } from './results.js';
import { certificateStatus, certificateStatusAsOf } from '../../projections/certificate-status/status-query.js';
import { asOfQuery, holdBody, holdLiftBody, positionQuery, purposeQuery, revocationBody, serialParams } from './schemas.js';
import { disclosing } from './disclosing.js';

const clerks = { access: { roles: ['municipal-clerk'] } } as const;
const clerksAndOperators = { access: { roles: ['municipal-clerk', 'prefectural-operator'] } } as const;
const readers = { access: { roles: ['municipal-clerk', 'prefectural-operator', 'auditor'] } } as const;

export const certificateRoutes: FastifyPluginAsyncZod<{ deps: LedgerDeps }> = async (app, { deps }) => {
  const written = (serial: string) => ({ position }: { position: bigint }) => ({ serialNumber: serial, position: position.toString() });

  app.post('/v1/certificates/:serial/delivery', { config: clerks, schema: { params: serialParams } }, async (request, res) => {
    const result = await recordDelivery(deps, callerOf(request), request.params.serial);
    return reply(res, result, written(request.params.serial));
  });

  app.post('/v1/certificates/:serial/hold', { config: clerksAndOperators, schema: { params: serialParams, body: holdBody } }, async (request, res) => {
    const result = await placeHold(deps, callerOf(request), request.params.serial, request.body.reportedBy);
    return reply(res, result, written(request.params.serial));
  });

  app.post('/v1/certificates/:serial/hold/lift', { config: clerksAndOperators, schema: { params: serialParams, body: holdLiftBody } }, async (request, res) => {
    const result = await liftHold(deps, callerOf(request), request.params.serial, request.body.cause);
    return reply(res, result, written(request.params.serial));
  });

  app.post('/v1/certificates/:serial/revocation', { config: clerksAndOperators, schema: { params: serialParams, body: revocationBody } }, async (request, res) => {
    const { effectiveAt, invalidityDate, ...rest } = request.body;
    const result = await revokeCertificate(deps, callerOf(request), request.params.serial, {
      ...rest,
      ...(effectiveAt === undefined ? {} : { effectiveAt: new Date(effectiveAt) }),
      ...(invalidityDate === undefined ? {} : { invalidityDate: new Date(invalidityDate) }),
    });
    return reply(res, result, written(request.params.serial));
  });

  app.get('/v1/certificates/:serial/status', { config: readers, schema: { params: serialParams, querystring: positionQuery.extend(asOfQuery.shape) } }, async (request, res) => {
    const { asOf, knownAt } = request.query;
    if (asOf !== undefined || knownAt !== undefined) {
      const asOfResult = certificateStatusAsOf(
        { timeline: deps.readModels.certificateTimeline, freshness: deps.readModels.runner, clock: deps.clock },
        callerOf(request),
        request.params.serial,
        asOf,
        knownAt,
      );
      return reply(res, asOfResult, (view) => view);
    }
    const result = await certificateStatus(
      { queries: deps.readModels.certificateStatus, freshness: deps.readModels.runner, clock: deps.clock },
      callerOf(request),
      request.params.serial,
      request.query.minPosition,
    );
    return reply(res, result, (view) => view);
  });

  app.get(
    '/v1/certificates/:serial',
    { ...disclosing, config: readers, schema: { params: serialParams, querystring: purposeQuery(deps.purposes.map((p) => p.name)) } },
    async (request, res) => {
      const result = await readCertificate(deps, callerOf(request), request.params.serial, request.query.purpose);
      return reply(res, result, ({ state, certificate, history, position }) => ({
        ...state.facts,
        status: state.status,
        ...(state.status === 'revoked' ? { revocation: state.revocation } : {}),
        ...(state.status === 'revoked' ? {} : { delivered: state.delivered }),
        certificatePem: toPem('CERTIFICATE', certificate),
        history,
        position: position.toString(),
      }));
    },
  );
};
