import { join } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from 'fastify';
import { Redis } from 'ioredis';
import type { Config } from './config.js';
import type { Db } from './db/db.js';
import {
  countDueBacklog,
  createDelivery,
  type Delivery,
  type DeliveryObserver,
  type DeliveryRules,
  type Timers,
  type WriteMessages,
} from './delivery/index.js';
import { Housekeeping } from './housekeeping/housekeeping.js';
import { DiskBlobStorage, type BlobStorage } from './lib/blob-storage.js';
import type { Clock } from './lib/clock.js';
import { createMetrics } from './lib/metrics.js';
import {
  memoryRateLimitStore,
  RateLimiter,
  rateLimitRules,
  redisRateLimitStore,
  type RateLimitStore,
} from './lib/rate-limiter.js';
import { MAX_REQUEST_BYTES } from './lib/request-limits.js';
import { AuthKeyHasher, SessionTokens, createAuth } from './modules/auth/index.js';
import { createConversationsService } from './modules/conversations/index.js';
import { createAvatarsService } from './modules/avatars/index.js';
import { createKeysService } from './modules/keys/index.js';
import { createGroupPictureService } from './modules/group-picture/group-picture.js';
import { createMediaService } from './modules/media/index.js';
import { createMessagesService, writeMessages } from './modules/messages/index.js';
import {
  createSchedulingService,
  failPendingOnAccountDeleted,
  failPendingOnMembershipEnded,
} from './modules/scheduling/index.js';
import { AdapterRedis } from './realtime/adapter-redis.js';
import { localPresence, redisPresence } from './realtime/presence.js';
import { createSocketServer, socketBroadcaster } from './realtime/socket-server.js';

/**
 * The composition root's first half (app.ts is the second): what the app is built from, the
 * shared infrastructure, and every module's service, each built after what it uses.
 */

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

function redisClient(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
}

export type Infrastructure = ReturnType<typeof createInfrastructure>;

/** Shared infrastructure: Redis (optional), Socket.IO, the Broadcaster, presence, rate limits. */
export function createInfrastructure(app: FastifyInstance, deps: AppDeps, clock: Clock) {
  const { config } = deps;
  const redis = config.redisUrl
    ? { main: redisClient(config.redisUrl), adapter: AdapterRedis.connect(config.redisUrl) }
    : undefined;
  // A dispatcher holds no client sockets: its Socket.IO server is not on the HTTP server, and
  // only broadcasts through Redis to the api processes' sockets (config requires REDIS_URL).
  const io = createSocketServer(config.role === 'dispatcher' ? undefined : app.server, {
    allowedOrigins: config.allowedOrigins,
    maxFrameBytes: MAX_REQUEST_BYTES,
    ...(redis ? { redis: redis.adapter } : {}),
  });
  const store = deps.rateLimitStore ?? (redis ? redisRateLimitStore(redis.main) : memoryRateLimitStore());
  return {
    clock,
    io,
    /** After io.close(): the adapter's connections (see AdapterRedis), then the main one. */
    async closeRedis(): Promise<void> {
      await redis?.adapter.close();
      redis?.main.disconnect();
    },
    broadcaster: socketBroadcaster(io, { clustered: redis !== undefined }),
    presence: redis ? redisPresence(redis.main) : localPresence(),
    rateLimiter: new RateLimiter(store, clock),
    rateLimits: rateLimitRules(config.rateLimits),
  };
}

export type Services = ReturnType<typeof createServices>;

/**
 * The modules' services, each built after everything it uses. Cross-module steps are built
 * first and handed over at construction: scheduling fails a sender's pending messages when their
 * membership ends (run by conversations) or their account is deleted (run by auth).
 */
export function createServices(deps: AppDeps, infra: Infrastructure, log: FastifyBaseLogger) {
  const { config, db } = deps;
  const { clock, broadcaster, presence } = infra;
  const storage = deps.storage ?? new DiskBlobStorage(join(config.dataDir, 'media'));
  const media = createMediaService({ db, clock, storage, limits: config.media, broadcaster });
  const messages = createMessagesService({ db, clock, broadcaster, media });
  const keys = createKeysService({ db, clock, broadcaster });
  const avatars = createAvatarsService({ db, clock, broadcaster });
  const failPending = { broadcaster, maxRetries: config.delivery.maxRetries };
  const conversations = createConversationsService({
    db,
    clock,
    broadcaster,
    presence,
    membershipEndedSteps: [failPendingOnMembershipEnded(failPending)],
  });
  const metrics = createMetrics(() => countDueBacklog(db, clock.now()));
  const delivery = createDeliveryPipeline(deps, infra, storage, metrics, log);
  const scheduling = createSchedulingService({
    db,
    clock,
    broadcaster,
    conversations,
    rules: deliveryRules(config),
    limits: config.scheduling,
    wakeWithinMs: config.delivery.pollIntervalMs,
    deliverNow: (senderId, id) => delivery.sendNow(senderId, id),
  });
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
    accountDeletionSteps: [
      conversations.accountDeletionStep,
      failPendingOnAccountDeleted(failPending),
      avatars.accountDeletionStep,
    ],
  });
  const housekeeping = new Housekeeping({ messages, media, clock, log });
  const pictures = createGroupPictureService({ db, clock, media, conversations });
  return {
    storage,
    media,
    messages,
    keys,
    conversations,
    metrics,
    delivery,
    scheduling,
    auth,
    housekeeping,
    avatars,
    pictures,
  };
}

/** The delivery pipeline and its dispatcher, reporting outcomes and LISTEN health to metrics. */
function createDeliveryPipeline(
  deps: AppDeps,
  { clock, broadcaster }: Infrastructure,
  storage: BlobStorage,
  metrics: ReturnType<typeof createMetrics>,
  log: FastifyBaseLogger,
): Delivery {
  const { config, db } = deps;
  const extra = deps.deliveryObserver;
  const observer: DeliveryObserver = extra
    ? {
        delivered(outcome, count, lateness) {
          metrics.observer.delivered(outcome, count, lateness);
          extra.delivered(outcome, count, lateness);
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
    rules: deliveryRules(config),
    observer,
    log,
    batchSize: config.delivery.batchSize,
    pollIntervalMs: config.delivery.pollIntervalMs,
    // PGlite has a single connection: parallel batches would only queue behind each other.
    concurrency: db.concurrentConnections ? config.delivery.concurrency : 1,
  });
  delivery.events.on('listen-lost', () => metrics.listenLost());
  delivery.events.on('listen-restored', () => metrics.listenRestored());
  return delivery;
}

/** Retries and cut-offs, shared by the pipeline and the scheduling API (which shows attempts). */
function deliveryRules(config: Config): DeliveryRules {
  return {
    maxRetries: config.delivery.maxRetries,
    retryDelayMs: config.delivery.retryDelayMs,
    lateCutoffMs: config.delivery.lateCutoffMs,
    maxCrashes: 3,
  };
}
