/**
 * CRLs, public, as DER (application/pkix-crl): the full CRL, its delta, and one partition per
 * municipality. HTTP caching: ETag (the DER's SHA-256), Last-Modified (thisUpdate), max-age until
 * nextUpdate, and 304 for a matching If-None-Match. `?asOf=<instant>` (auditors only) answers with
 * the full CRL that was being served then, reproduced from the log.
 */
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CERTIFICATE_TYPES } from '../../domain/application/events.js';
import type { CertificateType } from '../../domain/ports/certificate-authority.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { CrlPublisher } from '../../projections/crl/crl-publisher.js';
import { problem, sendProblem } from '../problems/problem.js';
import { domainProblem } from '../problems/domain-problem.js';
import { admitted } from '../auth/authentication.js';
import { asOfQuery } from './schemas.js';
import type { CrlHistory } from '../../projections/crl/crl-reproduction.js';
import * as E from 'fp-ts/lib/Either.js';

const partitionParams = z.object({
  type: z.enum(CERTIFICATE_TYPES),
  partition: z.string().regex(/^(delta|\d{6})$/, { error: 'must be delta or a 6-digit local government code' }),
});

export const crlRoutes: FastifyPluginAsyncZod<{ crls: CrlPublisher; history: CrlHistory; clock: Clock }> = async (app, { crls, history, clock }) => {
  const servePast = async (type: CertificateType, asOf: Date, request: FastifyRequest, reply: FastifyReply) => {
    if (!(await admitted(request, reply, ['auditor']))) return reply;
    if (asOf.getTime() > clock.now().getTime()) {
      return sendProblem(reply, problem(422, 'as-of-in-the-future', 'Invalid input', 'asOf must not be later than now.', { errors: [{ field: 'query.asOf', message: 'must not be later than now' }] }));
    }
    const result = await history.at(type, asOf);
    if (E.isLeft(result)) return sendProblem(reply, domainProblem(result.left));
    const reproduction = result.right;
    if (reproduction.verdict === 'differs') {
      request.log.error({ crlNumber: reproduction.published.data.crlNumber, differences: reproduction.differences }, 'a published CRL could not be reproduced from the log');
      return sendProblem(reply, problem(500, 'crl-not-reproducible', 'CRL not reproducible', `CRL number ${reproduction.published.data.crlNumber} could not be reproduced from the log; run ledger crl reproduce for the difference.`));
    }
    const { data } = reproduction.published;
    return reply
      .header('x-crl-number', data.crlNumber)
      .header('x-crl-reproduction', reproduction.verdict)
      .header('last-modified', new Date(data.thisUpdate).toUTCString())
      .header('cache-control', 'private, max-age=31536000, immutable')
      .type('application/pkix-crl')
      .send(Buffer.from(reproduction.der));
  };

  const serve = (type: CertificateType, partition: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    const document = crls.document(type, partition);
    if (document === undefined) {
      return sendProblem(reply, problem(404, 'crl-not-found', 'Not found', partition === 'full' || partition === 'delta' ? 'This CRL has not been issued yet.' : 'No CRL is issued for this municipality.'));
    }
    const etag = `"${document.sha256}"`;
    const maxAge = Math.max(0, Math.floor((document.nextUpdate.getTime() - clock.now().getTime()) / 1000));
    void reply
      .header('etag', etag)
      .header('last-modified', document.thisUpdate.toUTCString())
      .header('expires', document.nextUpdate.toUTCString())
      .header('cache-control', `public, max-age=${maxAge}`);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('application/pkix-crl').send(createReadStream(document.path));
  };

  app.get(
    '/v1/crl/:type',
    { config: { access: 'public' }, schema: { params: z.object({ type: z.enum(CERTIFICATE_TYPES) }), querystring: asOfQuery.pick({ asOf: true }) } },
    (request, reply) => (request.query.asOf === undefined ? serve(request.params.type, 'full')(request, reply) : servePast(request.params.type, request.query.asOf, request, reply)),
  );
  app.get('/v1/crl/:type/:partition', { config: { access: 'public' }, schema: { params: partitionParams } }, (request, reply) =>
    serve(request.params.type, request.params.partition)(request, reply),
  );
};
