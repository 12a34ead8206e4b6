import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/db.js';
import { databaseUnavailability } from '../db/errors.js';
import { AppError } from '../lib/app-error.js';
import { ok } from './envelope.js';

export function healthRoutes(app: FastifyInstance, db: Db): void {
  // Process up: answers as long as the event loop runs.
  app.get('/healthz', async () => ok({ status: 'up' }));

  // Ready: the database answers too.
  app.get('/readyz', async (request) => {
    try {
      await db.query('SELECT 1');
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      // Retry-After as for every other 503 (a busy pool says 1 s, an unreachable database 5 s).
      const retryAfterSeconds = databaseUnavailability(error)?.retryAfterSeconds ?? 5;
      throw new AppError(
        'not_ready',
        'The database is not reachable.',
        { retryAfterSeconds },
        { 'retry-after': String(retryAfterSeconds) },
      );
    }
    return ok({ status: 'ready', database: db.kind });
  });
}
