import { AppError } from './app-error.js';
import type { Clock } from './clock.js';

/**
 * Fixed-window counters: at most `max` hits per key per window. The store is in memory by
 * default; with Redis, every server process shares the counters (INCR + PEXPIRE).
 */
export interface RateLimitStore {
  /** Counts one hit; returns the count in the current window and when the window ends (ms). */
  hit(key: string, windowMs: number, nowMs: number): Promise<{ count: number; resetAtMs: number }>;
}

export function memoryRateLimitStore(): RateLimitStore {
  const windows = new Map<string, { count: number; resetAtMs: number }>();
  let lastSweep = 0;
  return {
    async hit(key, windowMs, nowMs) {
      if (nowMs - lastSweep > 60_000) {
        lastSweep = nowMs;
        for (const [k, w] of windows) if (w.resetAtMs <= nowMs) windows.delete(k);
      }
      let window = windows.get(key);
      if (!window || window.resetAtMs <= nowMs) {
        window = { count: 0, resetAtMs: nowMs + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return { ...window };
    },
  };
}

export interface RedisLike {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  /** ioredis's connection state: 'ready' when commands go straight to Redis. */
  readonly status?: string;
}

const REDIS_HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

export function redisRateLimitStore(redis: RedisLike, prefix = 'herald:rl:'): RateLimitStore {
  // While Redis is down or restarting, each process counts on its own (the limits still hold, per
  // process) instead of failing every limited request with a 500; Redis is not even asked until
  // it is back, so that no request waits on reconnection attempts.
  const local = memoryRateLimitStore();
  return {
    async hit(key, windowMs, nowMs) {
      if (redis.status !== undefined && redis.status !== 'ready') return local.hit(key, windowMs, nowMs);
      try {
        const [count, ttl] = (await redis.eval(REDIS_HIT, 1, prefix + key, windowMs)) as [number, number];
        return { count, resetAtMs: nowMs + Math.max(ttl, 0) };
      } catch {
        return local.hit(key, windowMs, nowMs);
      }
    },
  };
}

/** Who a rule counts: the client's address (before sign-in) or the signed-in user. */
export type RateLimitSubject = 'ip' | 'user';

/** One limit: at most `max` hits per `windowMs`, counted per subject under the key `<name>:<subject>`. */
export interface RateLimitRule {
  name: string;
  per: RateLimitSubject;
  max: number;
  windowMs: number;
  /** What was too much ("You are sending messages too fast"); the answer adds the wait. */
  refusal: string;
}

export interface RateLimitSettings {
  loginPerMinute: number;
  registerPerHour: number;
  schedulePerMinute: number;
  messagesPerMinute: number;
  socketEventsPerMinute: number;
}

/**
 * Every limit Herald applies, defined once: HTTP routes name them (http/rate-limit.ts, through
 * @fastify/rate-limit) and socket commands enforce them (realtime), on the same store.
 */
export function rateLimitRules(settings: RateLimitSettings) {
  const minute = 60_000;
  return {
    /** Sign-in, and whatever checks the password (an Argon2id hash each): one budget per address. */
    login: { name: 'login', per: 'ip', max: settings.loginPerMinute, windowMs: minute, refusal: 'Too many attempts' },
    register: {
      name: 'register',
      per: 'ip',
      max: settings.registerPerHour,
      windowMs: 60 * minute,
      refusal: 'Too many attempts',
    },
    schedule: {
      name: 'schedule',
      per: 'user',
      max: settings.schedulePerMinute,
      windowMs: minute,
      refusal: 'You are scheduling too fast',
    },
    /** Live messages per user, HTTP and socket sends counted together. */
    send: {
      name: 'send',
      per: 'user',
      max: settings.messagesPerMinute,
      windowMs: minute,
      refusal: 'You are sending messages too fast',
    },
    /** Socket commands of any kind per user (all their sockets together). */
    socketCommand: {
      name: 'socket',
      per: 'user',
      max: settings.socketEventsPerMinute,
      windowMs: minute,
      refusal: 'Too many requests on this connection',
    },
  } satisfies Record<string, RateLimitRule>;
}

export type RateLimitRules = ReturnType<typeof rateLimitRules>;

/**
 * The one 429 answer of every limit (HTTP and socket alike): the refusal with the wait added,
 * `details.retryAfterSeconds` and a `Retry-After` header.
 */
export function rateLimited(rule: Pick<RateLimitRule, 'refusal'>, retryAfterSeconds: number): AppError {
  return new AppError(
    'rate_limited',
    `${rule.refusal}; try again in ${retryAfterSeconds} s.`,
    { retryAfterSeconds },
    { 'retry-after': String(retryAfterSeconds) },
  );
}

export class RateLimiter {
  constructor(
    private readonly store: RateLimitStore,
    private readonly clock: Clock,
  ) {}

  /** Counts one hit on `key`: the count in the current window, and how long until it ends. */
  async hit(key: string, windowMs: number): Promise<{ count: number; retryAfterSeconds: number }> {
    const nowMs = this.clock.now().getTime();
    const { count, resetAtMs } = await this.store.hit(key, windowMs, nowMs);
    return { count, retryAfterSeconds: Math.max(1, Math.ceil((resetAtMs - nowMs) / 1000)) };
  }

  /** Counts one hit by `subject` (an address or a user id) and refuses it past the rule. */
  async enforce(rule: RateLimitRule, subject: string): Promise<void> {
    const { count, retryAfterSeconds } = await this.hit(`${rule.name}:${subject}`, rule.windowMs);
    if (count > rule.max) throw rateLimited(rule, retryAfterSeconds);
  }
}
