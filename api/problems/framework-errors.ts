/**
 * What fastify and Node refuse before any route runs, as problem+json like every other error:
 * a URL that is not validly percent-encoded, a path parameter longer than the router takes
 * (`frameworkErrors`), and requests Node's HTTP parser refuses — headers too large, a malformed
 * request line or header (`clientErrorHandler`, which has only the socket, so the reply is written
 * raw). None of them echoes the URL or a header: their default messages quote the URL, and the
 * problems carry no `instance` (the path may be what was wrong).
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problem, sendProblem, type Problem } from './problem.js';

const CORRELATION_HEADER = 'x-correlation-id';

const ROUTER_ERRORS: Record<string, Problem> = {
  FST_ERR_BAD_URL: problem(400, 'malformed-url', 'Malformed URL', 'The request URL is not validly percent-encoded.'),
  FST_ERR_MAX_PARAM_LENGTH: problem(414, 'uri-too-long', 'URI too long', 'A path parameter is longer than any this ledger takes.'),
};

/** fastify's `frameworkErrors`: the router's refusals, before hooks or routes run. */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  void reply.header(CORRELATION_HEADER, request.id);
  const known = ROUTER_ERRORS[error.code];
  if (known !== undefined) return sendProblem(reply, known, { instance: false });
  request.log.error({ err: error, correlationId: request.id }, 'unexpected framework error');
  return sendProblem(
    reply,
    problem(500, 'internal-error', 'Internal error', `An unexpected error occurred. Quote correlation id ${String(request.id)} when reporting it.`),
    { instance: false },
  );
}

function clientProblem(code: string | undefined): Problem {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return problem(431, 'headers-too-large', 'Request header fields too large', 'The request’s headers are larger than this server takes.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problem(408, 'request-timeout', 'Request timeout', 'The request did not arrive in time.');
    default:
      return problem(400, 'malformed-request', 'Malformed request', 'The request is not well-formed HTTP.');
  }
}

/**
 * fastify's `clientErrorHandler` (Node's `clientError`): what Node's parser refused. Written raw on
 * the socket, which is then closed, as Node and fastify do by default.
 */
export function handleClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  // A reset connection, or one already gone, has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const correlationId = randomUUID();
  const refused = clientProblem(error.code);
  const { status } = refused;
  const body = JSON.stringify({ ...refused, correlationId });
  this.log.debug({ err: { type: error.name, code: error.code }, correlationId, statusCode: status }, 'client error');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `${CORRELATION_HEADER}: ${correlationId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}
