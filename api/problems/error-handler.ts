/**
 * Maps everything that goes wrong at the edge to problem+json: request validation (naming each bad
 * field), malformed bodies, unknown routes, fastify's own 4xx errors, and unexpected failures (500
 * with only a correlation id; the error itself goes to the log under that id).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StoreUnavailable } from '../../domain/ports/event-store.js';
import { sendStoreUnavailable } from './store-unavailable.js';
import { problem, sendProblem, type FieldError, type Problem } from './problem.js';

const CONTEXT_NAMES: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'header',
};

/** Both zod (via the type provider) and JSON-schema validation report `instancePath` as a JSON pointer. */
function fieldErrors(error: FastifyError): FieldError[] {
  const context = CONTEXT_NAMES[error.validationContext ?? 'body'] ?? 'body';
  return (error.validation ?? []).map((issue) => ({
    field: [context, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
    message: issue.message ?? 'is invalid',
  }));
}

const STATUS_SLUGS: Record<number, [slug: string, title: string]> = {
  400: ['malformed-request', 'Malformed request'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  413: ['payload-too-large', 'Payload too large'],
  414: ['uri-too-long', 'URI too long'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  429: ['too-many-requests', 'Too many requests'],
};

/** Fastify's own messages for these codes can quote the request body, so they are replaced. */
const SAFE_DETAILS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty but its content type says JSON.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than this route accepts.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'This route does not accept the request body’s content type.',
};

/** The one 400 for fields that fail validation or carry text the ledger refuses (api/text-check.ts). */
export function invalidRequest(errors: readonly FieldError[]): Problem {
  const fields = [...new Set(errors.map((e) => e.field))].join(', ');
  return problem(400, 'invalid-request', 'Invalid request', `The request has invalid or missing fields: ${fields}.`, { errors });
}

export function handleError(this: FastifyInstance, error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.validation !== undefined) return sendProblem(reply, invalidRequest(fieldErrors(error)));
  if ((error as unknown) instanceof StoreUnavailable) return sendStoreUnavailable(reply, error as unknown as StoreUnavailable);
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const [slug, title] = STATUS_SLUGS[status] ?? ['client-error', 'Request refused'];
    const isSyntaxError = error instanceof SyntaxError;
    const detail = SAFE_DETAILS[error.code] ?? (isSyntaxError ? SAFE_DETAILS.FST_ERR_CTP_INVALID_JSON_BODY : title);
    // fastify's own refusals of the request's form (body too large, media type, …): the path is not echoed.
    return sendProblem(reply, problem(status, slug, title, detail ?? title), { instance: false });
  }
  request.log.error({ err: error, correlationId: request.id }, 'unexpected error');
  return sendProblem(
    reply,
    problem(500, 'internal-error', 'Internal error', `An unexpected error occurred. Quote correlation id ${String(request.id)} when reporting it.`),
  );
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(
    reply,
    problem(404, 'not-found', 'Not found', `No route matches ${request.method} on this path.`),
  );
}
