/**
 * OCSP (RFC 6960, RFC 5019 profile), public: POST with an application/ocsp-request body, or GET with
 * the base64 request in the path. Every answer is an OCSP response, errors included (malformed or
 * unauthorized requests are answered in OCSP, never with a 500). Cacheable answers carry RFC 5019
 * headers: Last-Modified (thisUpdate), Expires (nextUpdate), max-age until nextUpdate, ETag.
 */
import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../domain/ports/clock.js';
import { MAX_OCSP_REQUEST_BYTES } from '../../infrastructure/ca/ocsp/ocsp-request.js';
import type { OcspAnswer, OcspService } from '../../projections/ocsp/ocsp-service.js';
import { certificateTypeParams } from './schemas.js';

const OCSP_REQUEST = 'application/ocsp-request';
const OCSP_RESPONSE = 'application/ocsp-response';

function send(reply: FastifyReply, answer: OcspAnswer, clock: Clock, cacheable: boolean): FastifyReply {
  if (cacheable && answer.cache !== undefined) {
    const { nextUpdate, etag, lastModified, expires } = answer.cache;
    const maxAge = Math.max(0, Math.floor((nextUpdate.getTime() - clock.now().getTime()) / 1000));
    void reply.headers({
      'content-type': OCSP_RESPONSE,
      'last-modified': lastModified,
      expires,
      'cache-control': `max-age=${maxAge}, public, no-transform, must-revalidate`,
      etag,
    });
  } else {
    void reply.headers({ 'content-type': OCSP_RESPONSE, 'cache-control': 'no-store' });
  }
  return reply.send(answer.der);
}

export const ocspRoutes: FastifyPluginAsyncZod<{ ocsp: OcspService; clock: Clock }> = async (app, { ocsp, clock }) => {
  app.addContentTypeParser(OCSP_REQUEST, { parseAs: 'buffer', bodyLimit: MAX_OCSP_REQUEST_BYTES }, (_request, body, done) => done(null, body));

  app.post('/v1/ocsp/:type', { config: { access: 'public' }, schema: { params: certificateTypeParams } }, async (request, reply) => {
    const body = request.body instanceof Buffer ? new Uint8Array(request.body) : new Uint8Array();
    return send(reply, await ocsp.answer(request.params.type, body), clock, false);
  });

  // The base64 request may itself contain '/', so it is the rest of the path.
  app.get(
    '/v1/ocsp/:type/*',
    { config: { access: 'public' }, schema: { params: certificateTypeParams.extend({ '*': z.string() }) } },
    async (request, reply) => send(reply, await ocsp.answerGet(request.params.type, request.params['*']), clock, true),
  );
};
