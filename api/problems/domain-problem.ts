/**
 * The one table from domain errors to problem+json: the status by kind, the `type` by the rule
 * that refused (so clients can tell `already-revoked` from `public-key-too-weak`).
 */
import type { DomainError } from '../../domain/shared/errors.js';
import { problem, type Problem } from './problem.js';

const BY_TAG: Record<DomainError['_tag'], { readonly status: number; readonly title: string }> = {
  NotFound: { status: 404, title: 'Not found' },
  InvalidTransition: { status: 409, title: 'Conflicts with the current state' },
  Conflict: { status: 409, title: 'Concurrent update' },
  PolicyViolation: { status: 422, title: 'Refused by a rule' },
  Forbidden: { status: 403, title: 'Forbidden' },
  NotYetConsistent: { status: 503, title: 'Not yet consistent' },
};

export function domainProblem(error: DomainError): Problem {
  const { status, title } = BY_TAG[error._tag];
  const extensions: Record<string, unknown> = { rule: error.rule };
  if (error._tag === 'PolicyViolation' && error.field !== undefined) extensions.errors = [{ field: error.field, message: error.detail }];
  if (error._tag === 'InvalidTransition' && error.conflictsWith !== undefined) extensions.conflictsWith = error.conflictsWith;
  if (error._tag === 'NotYetConsistent') extensions.position = error.position;
  return problem(status, error.rule, title, error.detail, extensions);
}
