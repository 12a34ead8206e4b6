import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { publicConfig, type Config } from './config.js';
import type { Db } from './db/db.js';
import { registerErrorHandler } from './http/error-handler.js';
import { healthRoutes } from './http/health.routes.js';
import { registerJsonParser } from './http/json-parser.js';
import { registerOriginCheck } from './http/origin-check.js';
import { ok } from './http/envelope.js';
import { registerWebApp } from './http/web-app.js';
import { systemClock, type Clock } from './lib/clock.js';
import { nobodyOnline, type PresenceReader } from './lib/presence.js';
import { memoryRateLimitStore, RateLimiter, type RateLimitStore } from './lib/rate-limiter.js';
import { ignoreSessionEvents, type AccountDeletionStep, type SessionEvents } from './lib/session-events.js';
import {
  AuthKeyHasher,
  SESSION_COOKIE,
  SessionTokens,
  authRoutes,
  createAuth,
  type Auth,
} from './modules/auth/index.js';
import { usersRoutes } from './modules/users/index.js';

export interface AppDeps {
  config: Config;
  db: Db;
  /** Signs session tokens; see lib/secret.ts. */
  secret: string;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  rateLimitStore?: RateLimitStore;
}

export interface HeraldServices {
  auth: Auth;
  clock: Clock;
  db: Db;
}

declare module 'fastify' {
  interface FastifyInstance {
    herald: HeraldServices;
  }
}

/** Builds the whole HTTP application. Never listens: main.ts (or a test) decides that. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps;
  const clock = deps.clock ?? systemClock;

  const app = Fastify({
    logger: deps.logger ?? false,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
  });

  let servingWeb = false;
  registerErrorHandler(app, { spaIndex: () => servingWeb });
  registerJsonParser(app);
  registerOriginCheck(app, config.allowedOrigins);
  await app.register(cookie);

  const presence: PresenceReader = nobodyOnline;
  const sessionEvents: SessionEvents = ignoreSessionEvents;
  const accountDeletionSteps: AccountDeletionStep[] = [];

  const auth = createAuth({
    db,
    clock,
    tokens: new SessionTokens(deps.secret, config.sessionTtlHours * 3600, clock),
    hasher: new AuthKeyHasher(config.authHash),
    kdfDefaults: { algorithm: 'argon2id', ...config.kdf },
    secret: deps.secret,
    sessionEvents,
    accountDeletionSteps,
  });

  // Who is calling: read the session cookie once per API request. Routes that need a user call
  // requireUser(); the actor always comes from here, never from the body.
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const token = request.cookies[SESSION_COOKIE];
    if (token) request.auth = await auth.authenticate(token);
  });

  const rateLimiter = new RateLimiter(deps.rateLimitStore ?? memoryRateLimitStore(), clock);

  servingWeb = await registerWebApp(app, config.webDistDir);
  healthRoutes(app, db);
  app.get('/api/config', async () => ok(publicConfig(config)));
  authRoutes(app, {
    db,
    auth,
    rateLimiter,
    limits: {
      login: { max: config.rateLimits.loginPerMinute, windowMs: 60_000 },
      register: { max: config.rateLimits.registerPerHour, windowMs: 3_600_000 },
    },
    cookieSecure: config.cookieSecure,
    countUnseenFailedScheduled: async () => 0,
  });
  usersRoutes(app, { db, presence });

  app.decorate('herald', { auth, clock, db });
  return app;
}
