/**
 * Where a field named in a problem sits in the request: `body.…`, `query.…` or `params.…`, the one
 * form every problem uses. Request validation names its fields so already; a rule's refusal names
 * the command's field (`applicant.dateOfBirth`, `purpose`), and the route's schemas say where that
 * field came from: the body, a path parameter or a query parameter the route declares (in that
 * order), else the body.
 */
import type { FastifyRequest } from 'fastify';

const LOCATED = /^(body|query|params|header)(\.|$)/;

/** The keys a route's schema for one part of the request declares (zod objects, or JSON schema). */
function declaredKeys(schema: unknown): ReadonlySet<string> {
  if (schema === null || typeof schema !== 'object') return new Set();
  const shape = (schema as { shape?: unknown }).shape ?? (schema as { properties?: unknown }).properties;
  return shape !== null && typeof shape === 'object' ? new Set(Object.keys(shape)) : new Set();
}

export function locatedField(request: FastifyRequest, field: string): string {
  if (LOCATED.test(field)) return field;
  const first = field.split('.')[0] ?? field;
  const schema = request.routeOptions?.schema;
  if (declaredKeys(schema?.body).has(first)) return `body.${field}`;
  if (declaredKeys(schema?.params).has(first)) return `params.${field}`;
  if (declaredKeys(schema?.querystring).has(first)) return `query.${field}`;
  return `body.${field}`;
}
