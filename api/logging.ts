/**
 * What the request log may hold. Query strings can carry personal information (a resident record
 * code, a name in a search), and headers carry tokens, so requests are logged by method, path and
 * route pattern only. Errors are logged with their type, code, message and stack — except the
 * message of a SyntaxError, which (JSON.parse's) quotes the text it failed on: that text may be an
 * event's personal data.
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
  err(error: Error & { code?: unknown }) {
    const quotesText = error instanceof SyntaxError;
    const message = quotesText ? 'syntax error (the text it quotes is withheld: it may hold personal information)' : error.message;
    const frames = (error.stack ?? '').split('\n').slice(1).join('\n');
    return { type: error.name, ...(error.code === undefined ? {} : { code: error.code }), message, stack: `${error.name}: ${message}\n${frames}` };
  },
};
