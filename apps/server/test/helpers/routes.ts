import type { FastifyInstance } from 'fastify';

/**
 * Every method and path Fastify routes, from its own route table, as `METHOD /path/:param` (HEAD
 * included: Fastify adds one to every GET). printRoutes draws the router's tree: each line is a
 * segment (four characters of indentation per level) and the methods that end there; a full path
 * joins a line's ancestors. The OpenAPI test, the authorization matrix and the bad-input suite
 * each check their coverage against this list.
 */
export function registeredRoutes(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    stack.length = match[1]!.length / 4;
    stack.push(match[2]!);
    for (const method of match[3]?.split(', ') ?? []) routes.push(`${method} ${stack.join('')}`);
  }
  return routes;
}

/** `/x/:id` as OpenAPI writes it: `/x/{id}`. */
export const withBraceParams = (route: string): string => route.replace(/:([A-Za-z]+)/g, '{$1}');
