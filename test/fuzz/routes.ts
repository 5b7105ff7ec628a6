/**
 * The routes the app serves, read from fastify's own route tree, each with the access it declares
 * (`config.access`). The access is read by a probe: a test-only hook (added through testApp's
 * `extend`) answers any request carrying the probe header with 204 before anything else runs, and
 * notes the route's config. A route added tomorrow is in this list without anyone adding it.
 */
import type { FastifyInstance } from 'fastify';
import { routesOf } from '../support/route-tree.js';

export type Access = 'public' | { readonly roles: readonly string[] };

export interface ServedRoute {
  readonly method: string;
  /** As fastify names it: `/v1/certificates/:serial/hold`, `/v1/ocsp/:type/*`. */
  readonly url: string;
  readonly access: Access;
  /** The path parameters, in order (`*` for the wildcard). */
  readonly params: readonly string[];
}

const PROBE_HEADER = 'x-fuzz-route-probe';


/** For testApp's `extend`: the probe hook. Requests without the probe header pass untouched. */
export function probeHook(found: Map<string, Access>): (app: FastifyInstance) => void {
  return (app) => {
    app.addHook('onRequest', async (request, reply) => {
      if (request.headers[PROBE_HEADER] !== '1') return;
      const config = request.routeOptions.config as { access?: Access };
      found.set(`${request.method} ${request.routeOptions.url ?? ''}`, config.access ?? 'public');
      return reply.code(204).send();
    });
  };
}

export const paramsOf = (url: string): string[] => url.split('/').flatMap((segment) => (segment.startsWith(':') ? [segment.slice(1)] : segment === '*' ? ['*'] : []));

/** Fills a route's template with the given values (already encoded as they go on the wire). */
export function fill(url: string, values: Readonly<Record<string, string>>): string {
  return url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? (values[segment.slice(1)] ?? 'x') : segment === '*' ? (values['*'] ?? 'x') : segment))
    .join('/');
}

/** Every route of the app with its declared access, HEAD included. */
export async function servedRoutes(app: FastifyInstance, found: Map<string, Access>): Promise<ServedRoute[]> {
  const served: ServedRoute[] = [];
  for (const { method, url } of routesOf(app.printRoutes({ commonPrefix: false }))) {
    const params = paramsOf(url);
    const res = await app.inject({ method: method as 'GET', url: fill(url, Object.fromEntries(params.map((p) => [p, 'probe']))), headers: { [PROBE_HEADER]: '1' } });
    const access = found.get(`${method} ${url}`);
    if (res.statusCode !== 204 || access === undefined) throw new Error(`the probe did not reach ${method} ${url} (${res.statusCode}): the route tree and the router disagree`);
    served.push({ method, url, access, params });
  }
  return served;
}

export const routeName = (route: Pick<ServedRoute, 'method' | 'url'>): string => `${route.method} ${route.url}`;
