import fastifyRateLimit, { type FastifyRateLimitStore, type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { rateLimited, type RateLimiter, type RateLimitRule } from '../lib/rate-limiter.js';
import { requireUser } from './auth-guard.js';

/**
 * @fastify/rate-limit over Herald's own counters (lib/rate-limiter.ts: in memory, or Redis shared
 * by every process when REDIS_URL is set). Not the plugin's own stores: its counters would run on
 * the wall clock rather than the app's Clock, and live apart from the socket commands', while a
 * live send must count against one budget whether it came by HTTP or by socket.
 *
 * Registered in the API scope with `global: false`: a route is limited when its config names a
 * rule (`config: { rateLimit: limitedBy(rule) }`). The plugin adds no headers of its own; the
 * refusal is the one 429 answer (`rateLimited`), Retry-After included.
 */
export async function registerRateLimit(api: FastifyInstance, limiter: RateLimiter): Promise<void> {
  class HeraldStore implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      limiter.hit(key, timeWindow).then(
        ({ count, retryAfterSeconds }) => callback(null, { current: count, ttl: retryAfterSeconds * 1000 }),
        (error: unknown) => callback(error as Error),
      );
    }
    child(): FastifyRateLimitStore {
      return this;
    }
  }
  await api.register(fastifyRateLimit, {
    global: false,
    store: HeraldStore,
    addHeaders: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
      'retry-after': false,
    },
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
  });
}

/**
 * A route's limit under `rule`, keyed as the socket commands key theirs (`<name>:<address>` or
 * `<name>:<user id>`). It counts once the body is read and the session checked, before the body is
 * validated (a refused attempt counts too), unless `afterValidation`: a live send counts only
 * valid sends, as the socket command does.
 */
export function limitedBy(rule: RateLimitRule, options: { afterValidation?: boolean } = {}): RateLimitOptions {
  return {
    max: rule.max,
    timeWindow: rule.windowMs,
    hook: options.afterValidation ? 'preHandler' : 'preValidation',
    keyGenerator: (request: FastifyRequest) =>
      `${rule.name}:${rule.per === 'ip' ? request.ip : requireUser(request).id}`,
    errorResponseBuilder: (_request, context) => rateLimited(rule, Math.max(1, Math.ceil(context.ttl / 1000))),
  };
}
