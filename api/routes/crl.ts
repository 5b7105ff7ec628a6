/**
 * CRLs, public, as DER (application/pkix-crl): the full CRL, its delta, and one partition per
 * municipality. HTTP caching: ETag (the DER's SHA-256), Last-Modified (thisUpdate), max-age until
 * nextUpdate, and 304 for a matching If-None-Match.
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

const partitionParams = z.object({
  type: z.enum(CERTIFICATE_TYPES),
  partition: z.string().regex(/^(delta|\d{6})$/, { error: 'must be delta or a 6-digit local government code' }),
});

export const crlRoutes: FastifyPluginAsyncZod<{ crls: CrlPublisher; clock: Clock }> = async (app, { crls, clock }) => {
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

  app.get('/v1/crl/:type', { config: { access: 'public' }, schema: { params: z.object({ type: z.enum(CERTIFICATE_TYPES) }) } }, (request, reply) =>
    serve(request.params.type, 'full')(request, reply),
  );
  app.get('/v1/crl/:type/:partition', { config: { access: 'public' }, schema: { params: partitionParams } }, (request, reply) =>
    serve(request.params.type, request.params.partition)(request, reply),
  );
};
