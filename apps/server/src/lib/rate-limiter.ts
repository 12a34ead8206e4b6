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
}

const REDIS_HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

export function redisRateLimitStore(redis: RedisLike, prefix = 'herald:rl:'): RateLimitStore {
  return {
    async hit(key, windowMs, nowMs) {
      const [count, ttl] = (await redis.eval(REDIS_HIT, 1, prefix + key, windowMs)) as [number, number];
      return { count, resetAtMs: nowMs + Math.max(ttl, 0) };
    },
  };
}

export interface RateLimitRule {
  max: number;
  windowMs: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  retryAfterSeconds: number;
}

export class RateLimiter {
  constructor(
    private readonly store: RateLimitStore,
    private readonly clock: Clock,
  ) {}

  async check(key: string, rule: RateLimitRule): Promise<RateLimitVerdict> {
    const nowMs = this.clock.now().getTime();
    const { count, resetAtMs } = await this.store.hit(key, rule.windowMs, nowMs);
    return { allowed: count <= rule.max, retryAfterSeconds: Math.max(1, Math.ceil((resetAtMs - nowMs) / 1000)) };
  }

  /**
   * Counts one hit and refuses it past the rule: the one 429 answer of every limit (HTTP and
   * socket alike), with `Retry-After` and `details.retryAfterSeconds`. `refusal` says what was
   * too much ("You are sending messages too fast"); the wait is added to it.
   */
  async enforce(key: string, rule: RateLimitRule, refusal: string): Promise<void> {
    const verdict = await this.check(key, rule);
    if (verdict.allowed) return;
    throw new AppError(
      'rate_limited',
      `${refusal}; try again in ${verdict.retryAfterSeconds} s.`,
      { retryAfterSeconds: verdict.retryAfterSeconds },
      { 'retry-after': String(verdict.retryAfterSeconds) },
    );
  }
}
