import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** apps/web/dist, from either src/http or dist/http of the server package. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/**
 * Serves the built web app when there is one. Hashed assets are cached for a year; index.html is
 * never cached, so that a new deploy is picked up on the next load. Unknown GET paths outside the
 * API answer index.html (client-side routing).
 */
export async function registerWebApp(app: FastifyInstance, dir: string | undefined): Promise<boolean> {
  const root = dir ?? DEFAULT_WEB_DIST;
  if (!existsSync(join(root, 'index.html'))) return false;
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    setHeaders(res, path) {
      res.setHeader(
        'cache-control',
        path.includes(`${'/assets/'}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });
  return true;
}

export function isSpaRoute(method: string, url: string): boolean {
  return (
    (method === 'GET' || method === 'HEAD') &&
    !url.startsWith('/api/') &&
    !url.startsWith('/socket.io') &&
    !url.startsWith('/metrics')
  );
}
