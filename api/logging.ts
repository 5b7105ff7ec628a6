/**
 * What the request log may hold. Query strings can carry personal information (a resident record
 * code, a name in a search), and headers carry tokens, so requests are logged by method, path and
 * route pattern only.
 */
import type { FastifyRequest } from 'fastify';

export const requestLogSerializers = {
  req(request: FastifyRequest) {
    return {
      method: request.method,
      path: request.url.split('?')[0],
      route: request.routeOptions?.url,
      correlationId: request.id,
    };
  },
  res(reply: { readonly statusCode: number }) {
    return { statusCode: reply.statusCode };
  },
};
