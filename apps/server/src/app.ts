import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  createInfrastructure,
  createServices,
  type AppDeps,
  type Infrastructure,
  type Services,
} from './app-services.js';
import { publicConfig } from './config.js';
import type { Dispatcher } from './delivery/index.js';
import type { Housekeeping } from './housekeeping/housekeeping.js';
import { registerApiDocs } from './http/api-docs.js';
import { registerApi } from './http/api-scope.js';
import { ok } from './http/envelope.js';
import { frameworkErrorHandler, registerErrorHandler } from './http/error-handler.js';
import { healthRoutes } from './http/health.routes.js';
import { registerJsonParser } from './http/json-parser.js';
import { metricsRoutes } from './http/metrics.routes.js';
import { securityHeaders } from './http/security-headers.js';
import { registerWebApp } from './http/web-app.js';
import { systemClock } from './lib/clock.js';
import { MAX_REQUEST_BYTES } from './lib/request-limits.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { avatarsRoutes } from './modules/avatars/avatars.routes.js';
import { blocksRoutes } from './modules/blocks/blocks.routes.js';
import { conversationsRoutes } from './modules/conversations/conversations.routes.js';
import { keysRoutes } from './modules/keys/keys.routes.js';
import { groupPictureRoutes } from './modules/group-picture/group-picture.routes.js';
import { mediaRoutes } from './modules/media/media.routes.js';
import { messagesRoutes } from './modules/messages/messages.routes.js';
import { schedulingRoutes } from './modules/scheduling/scheduling.routes.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { registerSocketHandlers } from './realtime/socket-handlers.js';
import { closeSocketServer } from './realtime/socket-server.js';

export type { AppDeps } from './app-services.js';

/** What runs besides answering requests: started by main.ts, driven directly by tests. */
export interface BackgroundWork {
  dispatcher: Dispatcher;
  housekeeping: Housekeeping;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * For tests and benchmarks, which build the app through buildApp and drive its background work
     * (`runOnce`). Production code receives what it needs explicitly (main.ts uses composeApp).
     */
    herald: BackgroundWork;
  }
}

/**
 * Builds the whole application: HTTP routes, Socket.IO on the same server, and the services
 * behind both. Never listens and starts no background work: main.ts (or a test) decides that.
 * A dispatcher process (HERALD_ROLE=dispatcher) answers only its probes and takes no sockets.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  return (await composeApp(deps)).app;
}

/** buildApp, also handing over the background work that the process owner starts. */
export async function composeApp(deps: AppDeps): Promise<{ app: FastifyInstance; background: BackgroundWork }> {
  const clock = deps.clock ?? systemClock;
  const { app, servingWeb } = await createHttpServer(deps);
  const infra = createInfrastructure(app, deps, clock);
  const services = createServices(deps, infra, app.log);
  if (deps.config.role === 'dispatcher') {
    registerProbes(app, deps, services);
  } else {
    await registerRoutes(app, deps, infra, services, servingWeb);
    registerSocketHandlers(infra.io, {
      db: deps.db,
      clock,
      auth: services.auth,
      messages: services.messages,
      broadcaster: infra.broadcaster,
      presence: infra.presence,
      log: app.log,
      parseCookie: (header) => app.parseCookie(header),
      rateLimiter: infra.rateLimiter,
      limits: infra.rateLimits,
    });
  }

  const background: BackgroundWork = { dispatcher: services.delivery.dispatcher, housekeeping: services.housekeeping };
  // Sockets first: Fastify's own close of the HTTP server waits for every connection, a socket's
  // too (it used to wait until main.ts gave up). Closed by Socket.IO as "server shutting down",
  // clustered sockets can recover on another process.
  app.addHook('preClose', () => closeSocketServer(infra.io));
  app.addHook('onClose', async () => {
    // Graceful: the dispatcher stops claiming and finishes the batch in flight first.
    await background.dispatcher.stop();
    await background.housekeeping.stop();
    await infra.presence.close();
    await infra.closeRedis();
  });
  app.decorate('herald', background);
  return { app, background };
}

/** Fastify with what every answer needs: security headers first, one error envelope, parsers. */
async function createHttpServer({ config, logger }: AppDeps) {
  const headers = securityHeaders({ https: config.cookieSecure, hstsMaxAgeSeconds: config.hstsMaxAgeSeconds });
  const app = Fastify({
    logger: logger ?? false,
    frameworkErrors: frameworkErrorHandler(headers.apply),
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: MAX_REQUEST_BYTES,
  });
  // First, so that every answer carries them (404s and errors included).
  await headers.register(app);
  // Known once the web app is registered (registerRoutes); unknown paths then get index.html.
  const servingWeb = { value: false };
  registerErrorHandler(app, { spaIndex: () => servingWeb.value });
  registerJsonParser(app);
  await app.register(cookie);
  await app.register(multipart, {
    limits: { fileSize: Math.max(config.media.maxImageBytes, config.media.maxVideoBytes) + 1, files: 1, fields: 20 },
  });
  // Who is calling: set by the API scope's session hook (http/api-scope.ts).
  app.decorateRequest('auth', null);
  return { app, servingWeb };
}

/** What orchestration probes, on every role: health, readiness, metrics (public, outside the API). */
function registerProbes(app: FastifyInstance, { config, db }: AppDeps, s: Services): void {
  healthRoutes(app, db);
  metricsRoutes(app, s.metrics.registry, config.metricsToken);
}

/** Public routes outside the API scope, then the API: one scope of every module's routes. */
async function registerRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  { presence, rateLimiter, rateLimits }: Infrastructure,
  s: Services,
  servingWeb: { value: boolean },
): Promise<void> {
  // The API reference (OpenAPI 3.1 at /api/docs): first, as it collects routes as they are added.
  await registerApiDocs(app);
  const { config, db } = deps;

  // Public routes, outside the API scope: the web app, health, metrics, the docs.
  servingWeb.value = await registerWebApp(app, config.webDistDir);
  registerProbes(app, deps, s);

  // The API: one scope whose CSRF and session hooks run for its routes only (see api-scope.ts).
  // Each module's routes are a plugin of that scope.
  const scope = {
    allowedOrigins: config.allowedOrigins,
    auth: s.auth,
    rateLimiter,
    databaseBudgetMs: config.databaseRequestBudgetMs,
  };
  await registerApi(app, scope, async (api) => {
    api.get('/api/config', { config: { public: true } }, async () => ok(publicConfig(config)));
    await api.register(authRoutes, {
      db,
      auth: s.auth,
      limits: rateLimits,
      cookieSecure: config.cookieSecure,
      countUnseenFailedScheduled: (userId) => s.scheduling.countUnseenFailures(userId),
    });
    await api.register(usersRoutes, { db, presence });
    await api.register(avatarsRoutes, { avatars: s.avatars });
    await api.register(keysRoutes, { keys: s.keys, auth: s.auth, passwordLimit: rateLimits.login });
    await api.register(blocksRoutes, {
      db,
      presence,
      onBlockChanged: (blockerId, otherId) => s.conversations.announceBlockChanged(blockerId, otherId),
    });
    await api.register(conversationsRoutes, { conversations: s.conversations });
    await api.register(messagesRoutes, { messages: s.messages, sendLimit: rateLimits.send });
    await api.register(mediaRoutes, { media: s.media });
    await api.register(groupPictureRoutes, { pictures: s.pictures, setLimit: rateLimits.send });
    await api.register(schedulingRoutes, {
      scheduling: s.scheduling,
      media: s.media,
      createLimit: rateLimits.schedule,
    });
  });
}
