import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { AppError } from '../lib/app-error.js';

/** Prometheus scrape endpoint; behind a bearer token when METRICS_TOKEN is set. */
export function metricsRoutes(app: FastifyInstance, registry: Registry, token: string | undefined): void {
  app.get('/metrics', async (request, reply) => {
    if (token) {
      const given = Buffer.from(request.headers.authorization ?? '');
      const expected = Buffer.from(`Bearer ${token}`);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('unauthenticated');
    }
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
}
