import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../lib/app-error.js';
import { originRule } from '../lib/origin.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * CSRF defence for the API, in two layers besides SameSite=Lax cookies, registered inside the API
 * scope (app.ts) so that it runs for every API route, whichever way its path was written
 * (`/%61pi/...` reaches the same route and the same hook), and for nothing else:
 * 1. a state-changing request that names an `Origin` must name ours (or a configured one);
 * 2. a POST must be JSON or multipart, and a PUT/PATCH/DELETE body must be JSON. A cross-site
 *    HTML form can only send urlencoded, text/plain or multipart; the first two are refused here,
 *    and a browser always sends `Origin` with a cross-site multipart POST, which (1) refuses.
 */
export function registerOriginCheck(app: FastifyInstance, allowedOrigins: readonly string[]): void {
  const originAllowed = originRule(allowedOrigins);
  app.addHook('onRequest', async (request) => {
    if (!STATE_CHANGING.has(request.method)) return;
    const origin = request.headers.origin;
    if (!originAllowed(origin, { host: request.host, schemes: [request.protocol] })) {
      const own = `${request.protocol}://${request.host}`;
      throw new AppError('csrf_rejected', `Cross-site request refused: origin ${origin} is not ${own}.`);
    }
    const type = mediaType(request);
    const multipartAllowed = request.method === 'POST';
    if (request.method === 'POST' || hasBody(request)) {
      if (type !== 'application/json' && !(multipartAllowed && type === 'multipart/form-data')) {
        throw new AppError(
          'unsupported_media_type',
          type
            ? `Content type ${type} is not accepted: send application/json${multipartAllowed ? ' (or multipart/form-data for uploads)' : ''}.`
            : 'Send a JSON body with Content-Type: application/json.',
        );
      }
    }
  });
}
