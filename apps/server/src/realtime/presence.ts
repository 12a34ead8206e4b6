import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PresenceReader } from '../lib/presence.js';

/**
 * Who is online: at least one connected socket. In one process, a counter per user. With Redis,
 * a sorted set per user of "<process>:<socket>" scored by an expiry that each process refreshes,
 * so that sockets of a crashed process stop counting within a minute.
 */
export interface PresenceTracker extends PresenceReader {
  /** Returns true when this made the user go from offline to online. */
  connected(userId: string, socketId: string): Promise<boolean>;
  /** Returns true when this made the user go offline. */
  disconnected(userId: string, socketId: string): Promise<boolean>;
  close(): Promise<void>;
}

export function localPresence(): PresenceTracker {
  const counts = new Map<string, number>();
  return {
    async connected(userId) {
      const n = (counts.get(userId) ?? 0) + 1;
      counts.set(userId, n);
      return n === 1;
    },
    async disconnected(userId) {
      const n = (counts.get(userId) ?? 1) - 1;
      if (n <= 0) counts.delete(userId);
      else counts.set(userId, n);
      return n <= 0;
    },
    async onlineAmong(userIds) {
      return new Set(userIds.filter((id) => counts.has(id)));
    },
    async close() {},
  };
}

const TTL_MS = 60_000;
const REFRESH_MS = 20_000;

export function redisPresence(redis: Redis, prefix = 'herald:presence:'): PresenceTracker {
  const processId = randomUUID();
  const local = new Map<string, Set<string>>();
  const key = (userId: string) => prefix + userId;
  const member = (socketId: string) => `${processId}:${socketId}`;

  const refresh = setInterval(() => {
    const pipeline = redis.pipeline();
    const expiry = Date.now() + TTL_MS;
    for (const [userId, sockets] of local) {
      for (const socketId of sockets) pipeline.zadd(key(userId), expiry, member(socketId));
      pipeline.pexpire(key(userId), TTL_MS * 2);
    }
    pipeline.exec().catch(() => {});
  }, REFRESH_MS);
  refresh.unref();

  async function liveCount(userId: string): Promise<number> {
    return redis.zcount(key(userId), Date.now(), '+inf');
  }

  return {
    async connected(userId, socketId) {
      const sockets = local.get(userId) ?? new Set();
      sockets.add(socketId);
      local.set(userId, sockets);
      const before = await liveCount(userId);
      await redis
        .multi()
        .zadd(key(userId), Date.now() + TTL_MS, member(socketId))
        .zremrangebyscore(key(userId), '-inf', Date.now())
        .pexpire(key(userId), TTL_MS * 2)
        .exec();
      return before === 0;
    },
    async disconnected(userId, socketId) {
      const sockets = local.get(userId);
      sockets?.delete(socketId);
      if (sockets?.size === 0) local.delete(userId);
      await redis.zrem(key(userId), member(socketId));
      return (await liveCount(userId)) === 0;
    },
    async onlineAmong(userIds) {
      if (userIds.length === 0) return new Set();
      // Redis down or restarting: what this process knows (its own sockets), rather than fail the
      // request that asked (a chat list, a profile) or make it wait for reconnection attempts.
      const localOnly = () => new Set(userIds.filter((id) => local.has(id)));
      if (redis.status !== 'ready') return localOnly();
      const pipeline = redis.pipeline();
      const now = Date.now();
      for (const id of userIds) pipeline.zcount(key(id), now, '+inf');
      const results = await pipeline.exec().catch(() => null);
      if (!results) return localOnly();
      return new Set(userIds.filter((_, i) => Number(results[i]?.[1] ?? 0) > 0));
    },
    async close() {
      clearInterval(refresh);
      const pipeline = redis.pipeline();
      for (const [userId, sockets] of local) for (const s of sockets) pipeline.zrem(key(userId), member(s));
      await pipeline.exec().catch(() => {});
      local.clear();
    },
  };
}
