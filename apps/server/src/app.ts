import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { Redis } from 'ioredis';
import { publicConfig, type Config } from './config.js';
import type { Db } from './db/db.js';
import { Housekeeping } from './housekeeping/housekeeping.js';
import { ok } from './http/envelope.js';
import { registerApiDocs } from './http/api-docs.js';
import { registerApi } from './http/api-scope.js';
import { frameworkErrorHandler, registerErrorHandler } from './http/error-handler.js';
import { healthRoutes } from './http/health.routes.js';
import { registerJsonParser } from './http/json-parser.js';
import { securityHeaders } from './http/security-headers.js';
import { registerWebApp } from './http/web-app.js';
import { DiskBlobStorage, type BlobStorage } from './lib/blob-storage.js';
import type { Broadcaster } from './lib/broadcaster.js';
import { systemClock, type Clock } from './lib/clock.js';
import type { MembershipEndedStep } from './modules/membership/index.js';
import {
  memoryRateLimitStore,
  RateLimiter,
  rateLimitRules,
  redisRateLimitStore,
  type RateLimitStore,
} from './lib/rate-limiter.js';
import type { AccountDeletionStep } from './modules/auth/index.js';
import { AuthKeyHasher, SessionTokens, createAuth, type Auth } from './modules/auth/index.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { blocksRoutes } from './modules/blocks/blocks.routes.js';
import { createConversationsService, type ConversationsService } from './modules/conversations/index.js';
import { conversationsRoutes } from './modules/conversations/conversations.routes.js';
import { createKeysService } from './modules/keys/index.js';
import { keysRoutes } from './modules/keys/keys.routes.js';
import { directKey } from './modules/membership/index.js';
import { createMediaService, type MediaService } from './modules/media/index.js';
import { mediaRoutes } from './modules/media/media.routes.js';
import { createMessagesService, writeMessages, type MessagesService } from './modules/messages/index.js';
import { messagesRoutes } from './modules/messages/messages.routes.js';
import { createSchedulingService, type SchedulingService } from './modules/scheduling/index.js';
import { schedulingRoutes } from './modules/scheduling/scheduling.routes.js';
import {
  countDueBacklog,
  createDelivery,
  type DeliveryObserver,
  type Dispatcher,
  type Timers,
  type WriteMessages,
} from './delivery/index.js';
import { metricsRoutes } from './http/metrics.routes.js';
import { createMetrics } from './lib/metrics.js';
import { MAX_REQUEST_BYTES } from './lib/request-limits.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { localPresence, redisPresence, type PresenceTracker } from './realtime/presence.js';
import { registerSocketHandlers } from './realtime/socket-handlers.js';
import { createSocketServer, socketBroadcaster, type HeraldIo } from './realtime/socket-server.js';

export interface AppDeps {
  config: Config;
  db: Db;
  /** Signs session tokens; see lib/secret.ts. */
  secret: string;
  clock?: Clock;
  /** Timers on `clock` for the dispatcher; real ones by default (tests pass their fake clock). */
  timers?: Timers;
  logger?: FastifyServerOptions['logger'];
  rateLimitStore?: RateLimitStore;
  storage?: BlobStorage;
  /**
   * How scheduled deliveries write messages: chat core's writeMessages unless a test wraps it to
   * inject a transient fault. A dependency, not a flag in production code.
   */
  writeScheduled?: WriteMessages;
  /** Also told of every delivery outcome (benchmarks measure lateness at commit with it). */
  deliveryObserver?: DeliveryObserver;
}

export interface HeraldServices {
  auth: Auth;
  clock: Clock;
  db: Db;
  io: HeraldIo;
  broadcaster: Broadcaster;
  presence: PresenceTracker;
  media: MediaService;
  messages: MessagesService;
  conversations: ConversationsService;
  scheduling: SchedulingService;
  dispatcher: Dispatcher;
  housekeeping: Housekeeping;
}

declare module 'fastify' {
  interface FastifyInstance {
    herald: HeraldServices;
  }
}

function redisClient(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
}

/**
 * Builds the whole application: HTTP routes, Socket.IO on the same server, and the services
 * behind both. Never listens and starts no background work: main.ts (or a test) decides that.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps;
  const clock = deps.clock ?? systemClock;

  const headers = securityHeaders({ https: config.cookieSecure, hstsMaxAgeSeconds: config.hstsMaxAgeSeconds });
  const app = Fastify({
    logger: deps.logger ?? false,
    frameworkErrors: frameworkErrorHandler(headers.apply),
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: MAX_REQUEST_BYTES,
  });

  // First, so that every answer carries them (404s and errors included).
  await headers.register(app);
  let servingWeb = false;
  registerErrorHandler(app, { spaIndex: () => servingWeb });
  registerJsonParser(app);
  await app.register(cookie);
  await app.register(multipart, {
    limits: { fileSize: Math.max(config.media.maxImageBytes, config.media.maxVideoBytes) + 1, files: 1, fields: 20 },
  });

  // Shared infrastructure: Redis (optional), Socket.IO, presence.
  const redis = config.redisUrl
    ? { main: redisClient(config.redisUrl), pub: redisClient(config.redisUrl), sub: redisClient(config.redisUrl) }
    : undefined;
  const io = createSocketServer(app.server, {
    allowedOrigins: config.allowedOrigins,
    maxFrameBytes: MAX_REQUEST_BYTES,
    ...(redis ? { redis: { pub: redis.pub, sub: redis.sub } } : {}),
  });
  const broadcaster = socketBroadcaster(io, { clustered: redis !== undefined });
  const presence = redis ? redisPresence(redis.main) : localPresence();
  const rateLimiter = new RateLimiter(
    deps.rateLimitStore ?? (redis ? redisRateLimitStore(redis.main) : memoryRateLimitStore()),
    clock,
  );
  const rateLimits = rateLimitRules(config.rateLimits);

  // Steps other modules contribute to account deletion and to the end of a membership.
  const accountDeletionSteps: AccountDeletionStep[] = [];
  const membershipEndedSteps: MembershipEndedStep[] = [];
  const countUnseenFailedScheduled = (userId: string) => scheduling.countUnseenFailures(userId);

  const auth = createAuth({
    db,
    clock,
    tokens: new SessionTokens(deps.secret, config.sessionTtlHours * 3600, clock),
    hasher: new AuthKeyHasher(config.authHash),
    kdfDefaults: { algorithm: 'argon2id', ...config.kdf },
    secret: deps.secret,
    sessionEvents: {
      userSessionsEnded: (userId, except) => broadcaster.disconnectUser(userId, except),
      sessionEnded: (_userId, sessionId) => broadcaster.disconnectSession(sessionId),
    },
    accountDeletionSteps,
  });
  const keys = createKeysService({ db, clock, broadcaster });
  const storage = deps.storage ?? new DiskBlobStorage(join(config.dataDir, 'media'));
  const media = createMediaService({ db, clock, storage, limits: config.media });
  const messages = createMessagesService({
    db,
    clock,
    broadcaster,
    media,
  });
  const conversations = createConversationsService({
    db,
    clock,
    broadcaster,
    presence,
    membershipEndedSteps,
  });
  const metrics = createMetrics(() => countDueBacklog(db, clock.now()));
  const deliveryRules = {
    maxRetries: config.delivery.maxRetries,
    retryDelayMs: config.delivery.retryDelayMs,
    lateCutoffMs: config.delivery.lateCutoffMs,
    maxCrashes: 3,
  };
  const deliveryObserver: DeliveryObserver = deps.deliveryObserver
    ? {
        delivered(outcome, count, lateness) {
          metrics.observer.delivered(outcome, count, lateness);
          deps.deliveryObserver!.delivered(outcome, count, lateness);
        },
      }
    : metrics.observer;
  const delivery = createDelivery({
    db,
    clock,
    timers: deps.timers,
    broadcaster,
    storage,
    write: deps.writeScheduled ?? writeMessages,
    rules: deliveryRules,
    observer: deliveryObserver,
    log: app.log,
    batchSize: config.delivery.batchSize,
    pollIntervalMs: config.delivery.pollIntervalMs,
    // PGlite has a single connection: parallel batches would only queue behind each other.
    concurrency: db.concurrentConnections ? config.delivery.concurrency : 1,
  });
  delivery.events.on('listen-lost', () => metrics.listenLost());
  delivery.events.on('listen-restored', () => metrics.listenRestored());
  const dispatcher = delivery.dispatcher;
  const scheduling = createSchedulingService({
    db,
    clock,
    broadcaster,
    conversations,
    rules: deliveryRules,
    limits: config.scheduling,
    wakeWithinMs: config.delivery.pollIntervalMs,
    deliverNow: delivery.sendNow,
  });
  accountDeletionSteps.push(conversations.accountDeletionStep, scheduling.accountDeletionStep);
  membershipEndedSteps.push(scheduling.membershipEndedStep);
  const housekeeping = new Housekeeping({ messages, media, clock, log: app.log });

  // Who is calling: set by the API scope's session hook (http/api-scope.ts).
  app.decorateRequest('auth', null);

  // The API reference (OpenAPI 3.1 at /api/docs): first, as it collects routes as they are added.
  await registerApiDocs(app);

  // Public routes, outside the API scope: the web app, health, metrics, the docs.
  servingWeb = await registerWebApp(app, config.webDistDir);
  healthRoutes(app, db);
  metricsRoutes(app, metrics.registry, config.metricsToken);

  // The API: one scope whose CSRF and session hooks run for its routes only (see api-scope.ts).
  // Each module's routes are a plugin of that scope.
  await registerApi(app, { allowedOrigins: config.allowedOrigins, auth, rateLimiter }, async (api) => {
    api.get('/api/config', { config: { public: true } }, async () => ok(publicConfig(config)));
    await api.register(authRoutes, {
      db,
      auth,
      limits: rateLimits,
      cookieSecure: config.cookieSecure,
      countUnseenFailedScheduled,
    });
    await api.register(usersRoutes, { db, presence });
    await api.register(keysRoutes, {
      keys,
      auth,
      passwordLimit: rateLimits.login,
    });
    await api.register(blocksRoutes, {
      db,
      presence,
      onBlockChanged: async (blockerId, otherId) => {
        const { rows } = await db.query<{ id: string }>('SELECT id FROM conversations WHERE direct_key = $1', [
          directKey(blockerId, otherId),
        ]);
        if (rows[0]) await conversations.announceUpdated(rows[0].id);
      },
    });
    await api.register(conversationsRoutes, { conversations });
    await api.register(messagesRoutes, { messages, sendLimit: rateLimits.send });
    await api.register(mediaRoutes, { media });
    await api.register(schedulingRoutes, {
      scheduling,
      media,
      createLimit: rateLimits.schedule,
    });
  });

  registerSocketHandlers(io, {
    db,
    clock,
    auth,
    messages,
    broadcaster,
    presence,
    log: app.log,
    parseCookie: (header) => app.parseCookie(header),
    rateLimiter,
    limits: rateLimits,
  });

  app.addHook('onClose', async () => {
    // Graceful: the dispatcher stops claiming and finishes the batch in flight first.
    await dispatcher.stop();
    await housekeeping.stop();
    await new Promise<void>((resolve) => void io.close(() => resolve()));
    await presence.close();
    if (redis) for (const client of Object.values(redis)) client.disconnect();
  });

  app.decorate('herald', {
    auth,
    clock,
    db,
    io,
    broadcaster,
    presence,
    media,
    messages,
    conversations,
    scheduling,
    dispatcher,
    housekeeping,
  });
  return app;
}
