import type { FastifyReply } from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '../../domain/shared/errors.js';
import { domainProblem } from '../problems/domain-problem.js';
import { sendProblem } from '../problems/problem.js';

/** A service's answer as a reply: the problem for a domain error, else what `ok` makes of the value. */
export function reply<T>(to: FastifyReply, result: E.Either<DomainError, T>, ok: (value: T) => unknown): unknown {
  if (E.isLeft(result)) return sendProblem(to, domainProblem(result.left));
  return ok(result.right);
}
