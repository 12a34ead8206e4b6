import type { FastifyInstance } from 'fastify';
import { openDatabaseBudget, withDatabaseBudget, type DatabaseBudget } from '../db/request-budget.js';
import { AppError } from '../lib/app-error.js';
import type { RateLimiter } from '../lib/rate-limiter.js';
import { SESSION_COOKIE, type Auth } from '../modules/auth/index.js';
import { notFoundEnvelope } from './error-handler.js';
import { registerOriginCheck } from './origin-check.js';
import { registerRateLimit } from './rate-limit.js';
import { validatorCompiler } from './zod-validation.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without a session (sign-in, registration, public config). */
    public?: boolean;
  }
}

export interface ApiScopeOptions {
  allowedOrigins: readonly string[];
  /** The request's session check, from memory where it may (modules/auth/session-cache.ts). */
  auth: Pick<Auth, 'authenticateCached' | 'stopSessionCache'>;
  /** The counters behind routes' `config.rateLimit` (http/rate-limit.ts). */
  rateLimiter: RateLimiter;
  /** Each request's time on the database (db/request-budget.ts). */
  databaseBudgetMs: number;
}

/**
 * The API as one encapsulated Fastify scope. Its hooks run for the routes registered inside it and
 * for nothing else, and Fastify picks those routes by the matched route, never by a prefix of the
 * raw URL: `/%61pi/auth/logout` reaches the logout route and its hooks alike, while health,
 * metrics, the docs and the web app (registered outside) never see them.
 *
 * Hooks, in order: the CSRF check (origin and content type), then the session: who is calling,
 * read from the session cookie once per request (from memory when the session cache may answer,
 * modules/auth/session-cache.ts). Every route needs a session unless its config says
 * `public: true`; the check runs once the body is read and before it is validated, so that
 * a request without a session is told 401 whatever it sent. Handlers take the actor from
 * requireUser(), never from the body.
 *
 * Route schemas are the shared zod schemas (zod-validation.ts), limits are @fastify/rate-limit
 * (rate-limit.ts, after the session hook so that a rule may count per user): each module registers
 * its routes as a plugin of this scope.
 */
export async function registerApi(
  app: FastifyInstance,
  options: ApiScopeOptions,
  routes: (api: FastifyInstance) => void | Promise<void>,
): Promise<void> {
  await app.register(async (api) => {
    api.setValidatorCompiler(validatorCompiler);
    // First: every later hook and the handler run inside the request's database budget, which
    // binds until the answer is sent (db/request-budget.ts).
    const budgetOf = new WeakMap<object, DatabaseBudget>();
    api.addHook('onRequest', (request, _reply, done) => {
      const budget = openDatabaseBudget(options.databaseBudgetMs);
      budgetOf.set(request, budget);
      withDatabaseBudget(budget, done);
    });
    api.addHook('onResponse', async (request) => {
      const budget = budgetOf.get(request);
      if (budget) budget.closed = true;
    });
    registerOriginCheck(api, options.allowedOrigins);
    api.addHook('onRequest', async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) request.auth = await options.auth.authenticateCached(token);
    });
    // The session cache LISTENs once the first request reads a session: stop it with the app.
    api.addHook('onClose', () => options.auth.stopSessionCache());
    api.addHook('preValidation', async (request) => {
      if (!request.auth && !request.routeOptions.config.public) throw new AppError('unauthenticated');
    });
    await registerRateLimit(api, options.rateLimiter);
    await routes(api);
  });
  // Unknown paths under /api (as the router reads them, decoded) answer the JSON envelope.
  await app.register(
    async (scope) => {
      scope.setNotFoundHandler(notFoundEnvelope);
    },
    { prefix: '/api' },
  );
}
