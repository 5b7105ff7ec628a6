/**
 * RFC 9457 problem details: the one shape every error reply takes.
 * Each kind of problem has a stable `type` URI; `detail` is a sentence for a human and never
 * carries personal information or internals.
 */
import type { FastifyReply } from 'fastify';
import { locatedField } from './field-names.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_PREFIX = 'urn:jpki-ledger:problem:';

export interface FieldError {
  /** Where the bad value is, e.g. `body.applicant.dateOfBirth` or `query.minPosition`. */
  readonly field: string;
  readonly message: string;
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly correlationId?: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

export function problem(
  status: number,
  slug: string,
  title: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return { type: `${TYPE_PREFIX}${slug}`, title, status, detail, ...extensions };
}

/**
 * Sends the problem with the request's correlation id and, as `instance`, its path (without the
 * query) — unless `instance: false`: for refusals of the request's form (a bad URL, a body too
 * large) the path may be what was wrong, and it is not echoed.
 */
export function sendProblem(reply: FastifyReply, body: Problem, options: { readonly instance?: false } = {}): FastifyReply {
  const correlationId = String(reply.request.id);
  const instance = options.instance === false ? undefined : (body.instance ?? reply.request.url.split('?')[0]);
  // Every field is named by where it sits in the request (`body.`, `query.`, `params.`).
  const errors = body.errors?.map((e) => ({ ...e, field: locatedField(reply.request, e.field) }));
  return reply
    .code(body.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...body, ...(errors === undefined ? {} : { errors }), ...(instance === undefined ? {} : { instance }), correlationId });
}
