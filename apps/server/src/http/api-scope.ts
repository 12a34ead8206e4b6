import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE, type Auth } from '../modules/auth/index.js';
import { notFoundEnvelope } from './error-handler.js';
import { registerOriginCheck } from './origin-check.js';

export interface ApiScopeOptions {
  allowedOrigins: readonly string[];
  auth: Pick<Auth, 'authenticate'>;
}

/**
 * The API as one encapsulated Fastify scope. Its hooks run for the routes registered inside it and
 * for nothing else, and Fastify picks those routes by the matched route, never by a prefix of the
 * raw URL: `/%61pi/auth/logout` reaches the logout route and its hooks alike, while health,
 * metrics and the web app (registered outside) never see them.
 *
 * Hooks, in order: the CSRF check (origin and content type), then the session: who is calling,
 * read from the session cookie once per request. Routes that need a user call requireUser(); the
 * actor always comes from here, never from the body.
 */
export async function registerApi(
  app: FastifyInstance,
  options: ApiScopeOptions,
  routes: (api: FastifyInstance) => void | Promise<void>,
): Promise<void> {
  await app.register(async (api) => {
    registerOriginCheck(api, options.allowedOrigins);
    api.addHook('onRequest', async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) request.auth = await options.auth.authenticate(token);
    });
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
