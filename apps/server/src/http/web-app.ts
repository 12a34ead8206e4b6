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

/** Paths that belong to the server, never to the web app's client-side routes. */
const SERVER_PATHS = /^\/(?:api|socket\.io|metrics)(?:\/|$)/;

/**
 * The path as the most lenient reader would take it: percent-decoded until stable (double encoding
 * included), backslashes as slashes, repeated slashes and dot segments collapsed, lower case. Only
 * used to decide what a 404 answers, so it errs towards "this is a server path".
 */
export function canonicalPath(url: string): string {
  let path = url.split(/[?#]/)[0]!;
  for (let i = 0; i < 5; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      break;
    }
    if (decoded === path) break;
    path = decoded;
  }
  path = path.replace(/\\/g, '/').replace(/;[^/]*/g, '');
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`.toLowerCase();
}

/**
 * Whether an unknown path gets the web app's index.html (client-side routing) rather than the JSON
 * 404: GET or HEAD, and not a server path however it is written (`/%61pi/x`, `/API/x`, `//api/x`).
 */
export function isSpaRoute(method: string, url: string): boolean {
  return (method === 'GET' || method === 'HEAD') && !SERVER_PATHS.test(canonicalPath(url));
}
