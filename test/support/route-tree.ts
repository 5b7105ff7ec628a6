/** The routes an app serves, read from fastify's own route tree (`printRoutes({ commonPrefix: false })`), as method and path. */
export function routesOf(tree: string): { method: string; url: string }[] {
  const routes: { method: string; url: string }[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (\S+) \(([^)]+)\)$/.exec(line);
    if (match === null) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    const segment = match[2] ?? '';
    stack.push(segment === '*' ? '/*' : segment);
    for (const method of (match[3] ?? '').split(', ')) routes.push({ method, url: stack.join('') });
  }
  return routes;
}
