import { resolve } from 'node:path';
import { z } from 'zod';
import {
  DEFAULT_MEDIA_LIMITS,
  DEFAULT_SCHEDULING_LIMITS as SCHEDULING,
  MAX_CONTENT_LENGTH,
  MAX_TEXT_LENGTH,
  TEMPORARY_TTLS,
  type PublicConfig,
} from '@herald/shared';

/**
 * Configuration, from the environment, parsed once at boot. A bad value fails the boot with a
 * list of every problem, not just the first one. README's configuration table mirrors this file.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z.coerce
    .number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a number' : undefined) })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

/**
 * What a process runs (HERALD_ROLE), so that delivery and HTTP scale apart. `all`: everything, as
 * a single process does. `api`: the HTTP API, the web app and client sockets, and housekeeping;
 * never the dispatcher. `dispatcher`: the dispatcher and the probes (/healthz, /readyz, /metrics),
 * reaching users' sockets on the api processes through Redis. docs/operations.md has the layout.
 */
export const ROLES = ['all', 'api', 'dispatcher'] as const;
export type Role = (typeof ROLES)[number];

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HERALD_ROLE: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }).default('all'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65_535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATABASE_DRIVER: z.enum(['pg', 'postgres'], { message: 'must be pg or postgres' }).default('pg'),
  DATABASE_POOL_SIZE: int(2, 200).default(10),
  DATABASE_LOCK_TIMEOUT_MS: int(10, 60_000).default(1000),
  DATABASE_ACQUIRE_TIMEOUT_MS: int(10, 60_000).default(3000),
  DATABASE_QUERY_TIMEOUT_MS: int(100, 600_000).default(15_000),
  DATABASE_REQUEST_BUDGET_MS: int(1, 600_000).default(5_000),
  HERALD_DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_TTL_HOURS: int(1, 24 * 365).default(24 * 30),
  COOKIE_SECURE: bool.default(false),
  HSTS_MAX_AGE_SECONDS: int(0, 2 * 365 * 86_400).default(365 * 86_400),
  TRUST_PROXY: bool.default(false),
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(url(['http:', 'https:']))),
  KDF_MEMORY_KIB: int(8, 1_048_576).default(19_456),
  KDF_ITERATIONS: int(1, 20).default(2),
  AUTH_HASH_MEMORY_KIB: int(8, 1_048_576).default(19_456),
  AUTH_HASH_ITERATIONS: int(1, 20).default(2),
  RATE_LIMIT_LOGIN_PER_MINUTE: int(1, 100_000).default(10),
  RATE_LIMIT_REGISTER_PER_HOUR: int(1, 100_000).default(20),
  RATE_LIMIT_MESSAGES_PER_MINUTE: int(1, 100_000_000).default(120),
  RATE_LIMIT_SOCKET_EVENTS_PER_MINUTE: int(1, 100_000_000).default(600),
  WEB_DIST_DIR: z.string().min(1).optional(),
  MEDIA_MAX_IMAGE_MB: int(1, 1024).default(DEFAULT_MEDIA_LIMITS.maxImageMb),
  MEDIA_MAX_VIDEO_MB: int(1, 4096).default(DEFAULT_MEDIA_LIMITS.maxVideoMb),
  MEDIA_QUOTA_MB: int(1, 1_048_576).default(2048),
  SCHEDULE_MIN_LEAD_SECONDS: int(0, 86_400).default(SCHEDULING.minLeadSeconds),
  SCHEDULE_PICKER_MIN_LEAD_SECONDS: int(0, 86_400).default(SCHEDULING.pickerMinLeadSeconds),
  SCHEDULE_MAX_HORIZON_DAYS: int(1, 3650).default(SCHEDULING.maxHorizonDays),
  SCHEDULE_MAX_PENDING_PER_CONVERSATION: int(1, 1_000_000).default(SCHEDULING.maxPendingPerConversation),
  SCHEDULE_MAX_PENDING_PER_USER: int(1, 10_000_000).default(SCHEDULING.maxPendingPerUser),
  SCHEDULE_RATE_LIMIT_PER_MINUTE: int(1, 100_000_000).default(120),
  DELIVERY_MAX_RETRIES: int(0, 100).default(SCHEDULING.maxRetries),
  DELIVERY_RETRY_DELAY_SECONDS: int(1, 86_400).default(60),
  DELIVERY_LATE_CUTOFF_HOURS: z.coerce
    .number({ message: 'must be a number' })
    .positive()
    .max(24 * 365)
    .default(24),
  // Unset: as the role says (see roleProblems and delivery.dispatcherEnabled below).
  DISPATCHER_ENABLED: bool.optional(),
  DISPATCHER_BATCH_SIZE: int(1, 10_000).default(500),
  DISPATCHER_POLL_SECONDS: int(1, 3600).default(30),
  DISPATCHER_CONCURRENCY: int(1, 16).default(2),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  role: Role;
  host: string;
  port: number;
  logLevel: string;
  databaseUrl: string | undefined;
  /** The PostgreSQL client library behind the Db interface: pg, or postgres (postgres.js). */
  databaseDriver: 'pg' | 'postgres';
  databasePoolSize: number;
  /** How long a request's statement waits for a row lock before answering 503 (PostgreSQL). */
  databaseLockTimeoutMs: number;
  /** How long a request waits for a free pooled connection before answering 503 (PostgreSQL). */
  databaseAcquireTimeoutMs: number;
  /**
   * How long a statement may go unanswered before the request gives up with a 503 (PostgreSQL):
   * the bound on a request when the database hangs instead of refusing.
   */
  databaseQueryTimeoutMs: number;
  /**
   * A request's total time on the database (PostgreSQL) after which its next database call answers
   * 503 busy at once (db/request-budget.ts): waits for the pool and for locks add up over a
   * request's several calls.
   */
  databaseRequestBudgetMs: number;
  dataDir: string;
  redisUrl: string | undefined;
  jwtSecret: string | undefined;
  sessionTtlHours: number;
  cookieSecure: boolean;
  /** Strict-Transport-Security max-age, sent over HTTPS when cookieSecure is on; 0 = never. */
  hstsMaxAgeSeconds: number;
  trustProxy: boolean;
  allowedOrigins: string[];
  kdf: { memoryKiB: number; iterations: number; parallelism: number };
  authHash: { memoryKiB: number; iterations: number };
  rateLimits: {
    loginPerMinute: number;
    registerPerHour: number;
    schedulePerMinute: number;
    /** Live messages per user per minute, HTTP and socket together. */
    messagesPerMinute: number;
    /** Socket commands of any kind per user per minute. */
    socketEventsPerMinute: number;
  };
  /** The built web app to serve; default apps/web/dist when it exists. */
  webDistDir: string | undefined;
  media: { maxImageBytes: number; maxVideoBytes: number; quotaBytes: number };
  scheduling: {
    minLeadSeconds: number;
    pickerMinLeadSeconds: number;
    maxHorizonDays: number;
    maxPendingPerConversation: number;
    maxPendingPerUser: number;
  };
  delivery: {
    maxRetries: number;
    retryDelayMs: number;
    lateCutoffMs: number;
    /** Whether main.ts starts the dispatcher: the role's, or DISPATCHER_ENABLED's for `all`. */
    dispatcherEnabled: boolean;
    batchSize: number;
    pollIntervalMs: number;
    concurrency: number;
  };
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, so that `FOO= npm start` behaves like leaving FOO out.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  // Each variable's own problems and the role's together, so that one boot lists them all.
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
    ...roleProblems(cleaned),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    role: e.HERALD_ROLE,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    databaseDriver: e.DATABASE_DRIVER,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseLockTimeoutMs: e.DATABASE_LOCK_TIMEOUT_MS,
    databaseAcquireTimeoutMs: e.DATABASE_ACQUIRE_TIMEOUT_MS,
    databaseQueryTimeoutMs: e.DATABASE_QUERY_TIMEOUT_MS,
    databaseRequestBudgetMs: e.DATABASE_REQUEST_BUDGET_MS,
    dataDir: resolve(e.HERALD_DATA_DIR),
    redisUrl: e.REDIS_URL,
    jwtSecret: e.JWT_SECRET,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    cookieSecure: e.COOKIE_SECURE,
    hstsMaxAgeSeconds: e.HSTS_MAX_AGE_SECONDS,
    trustProxy: e.TRUST_PROXY,
    allowedOrigins: e.ALLOWED_ORIGINS,
    kdf: { memoryKiB: e.KDF_MEMORY_KIB, iterations: e.KDF_ITERATIONS, parallelism: 1 },
    authHash: { memoryKiB: e.AUTH_HASH_MEMORY_KIB, iterations: e.AUTH_HASH_ITERATIONS },
    rateLimits: {
      loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE,
      registerPerHour: e.RATE_LIMIT_REGISTER_PER_HOUR,
      schedulePerMinute: e.SCHEDULE_RATE_LIMIT_PER_MINUTE,
      messagesPerMinute: e.RATE_LIMIT_MESSAGES_PER_MINUTE,
      socketEventsPerMinute: e.RATE_LIMIT_SOCKET_EVENTS_PER_MINUTE,
    },
    webDistDir: e.WEB_DIST_DIR ? resolve(e.WEB_DIST_DIR) : undefined,
    media: {
      maxImageBytes: e.MEDIA_MAX_IMAGE_MB * 1024 * 1024,
      maxVideoBytes: e.MEDIA_MAX_VIDEO_MB * 1024 * 1024,
      quotaBytes: e.MEDIA_QUOTA_MB * 1024 * 1024,
    },
    scheduling: {
      minLeadSeconds: e.SCHEDULE_MIN_LEAD_SECONDS,
      pickerMinLeadSeconds: e.SCHEDULE_PICKER_MIN_LEAD_SECONDS,
      maxHorizonDays: e.SCHEDULE_MAX_HORIZON_DAYS,
      maxPendingPerConversation: e.SCHEDULE_MAX_PENDING_PER_CONVERSATION,
      maxPendingPerUser: e.SCHEDULE_MAX_PENDING_PER_USER,
    },
    delivery: {
      maxRetries: e.DELIVERY_MAX_RETRIES,
      retryDelayMs: e.DELIVERY_RETRY_DELAY_SECONDS * 1000,
      lateCutoffMs: Math.round(e.DELIVERY_LATE_CUTOFF_HOURS * 3_600_000),
      dispatcherEnabled: e.HERALD_ROLE === 'all' ? (e.DISPATCHER_ENABLED ?? true) : e.HERALD_ROLE === 'dispatcher',
      batchSize: e.DISPATCHER_BATCH_SIZE,
      pollIntervalMs: e.DISPATCHER_POLL_SECONDS * 1000,
      concurrency: e.DISPATCHER_CONCURRENCY,
    },
    metricsToken: e.METRICS_TOKEN,
  };
}

/**
 * What a role needs of the rest of the configuration, read from the raw values (a value of the
 * wrong form is the schema's problem, reported beside these). A split role is one of several
 * processes: they share PostgreSQL (PGlite is one process's files) and Redis (without it a
 * dispatcher's deliveries reach no socket, and an api process hears no other process).
 * DISPATCHER_ENABLED still chooses for `all`; set against a split role it contradicts it.
 */
function roleProblems(env: Record<string, string | undefined>): string[] {
  const role = env.HERALD_ROLE;
  if (role !== 'api' && role !== 'dispatcher') return [];
  const problems: string[] = [];
  if (!env.DATABASE_URL) problems.push(`HERALD_ROLE: ${role} needs DATABASE_URL (PGlite serves a single process)`);
  if (!env.REDIS_URL) {
    problems.push(
      role === 'dispatcher'
        ? "HERALD_ROLE: dispatcher needs REDIS_URL (its deliveries reach the api processes' sockets through Redis)"
        : 'HERALD_ROLE: api needs REDIS_URL (dispatchers reach its sockets through Redis)',
    );
  }
  const dispatcherEnabled = bool.safeParse(env.DISPATCHER_ENABLED);
  if (dispatcherEnabled.success && dispatcherEnabled.data !== (role === 'dispatcher')) {
    problems.push(
      role === 'api'
        ? 'DISPATCHER_ENABLED: HERALD_ROLE=api never runs the dispatcher (use HERALD_ROLE=all or dispatcher)'
        : 'DISPATCHER_ENABLED: HERALD_ROLE=dispatcher always runs the dispatcher (stop the process instead)',
    );
  }
  return problems;
}

/** The limits clients may know (GET /api/config). */
export function publicConfig(config: Config): PublicConfig {
  return {
    scheduling: { ...config.scheduling, maxRetries: config.delivery.maxRetries },
    media: { maxImageBytes: config.media.maxImageBytes, maxVideoBytes: config.media.maxVideoBytes },
    temporaryTtls: TEMPORARY_TTLS,
    maxContentLength: MAX_CONTENT_LENGTH,
    maxTextLength: MAX_TEXT_LENGTH,
  };
}
