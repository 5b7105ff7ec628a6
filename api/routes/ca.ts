/** The issuing roots, public: PEM by default, DER with `Accept: application/pkix-cert`. */
import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import type { IssuingCas } from '../../domain/ports/certificate-authority.js';
import { toPem } from './pem.js';
import { certificateTypeParams } from './schemas.js';

export const caRoutes: FastifyPluginAsyncZod<{ issuingCas: IssuingCas }> = async (app, { issuingCas }) => {
  app.get('/v1/ca/:type/certificate', { config: { access: 'public' }, schema: { params: certificateTypeParams } }, async (request, reply) => {
    const ca = await issuingCas.current(request.params.type);
    void reply.header('vary', 'accept').header('cache-control', 'public, max-age=3600');
    if ((request.headers.accept ?? '').includes('application/pkix-cert')) {
      return reply.type('application/pkix-cert').send(Buffer.from(ca.certificate, 'base64'));
    }
    return reply.type('application/x-pem-file').send(toPem('CERTIFICATE', ca.certificate));
  });
};
