import pg from 'pg';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { onPostgres } from './helpers/db.js';
import { startPrivatePostgres, startPrivateRedis } from './helpers/private-services.js';

async function queryOnce(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

// Gated like the other PostgreSQL/Redis tests: the machine that has them has the binaries too.
describe.runIf(onPostgres())('a private PostgreSQL', () => {
  it('starts, answers, survives a fast and an immediate stop, and is gone after close', async () => {
    const postgres = await startPrivatePostgres();
    try {
      expect(postgres.url).toBe(`postgres://postgres@127.0.0.1:${postgres.port}/herald`);
      await queryOnce(postgres.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (1)');
      expect((await postgres.pids()).length).toBeGreaterThan(1);
      await postgres.restart();
      expect(await queryOnce(postgres.url, 'SELECT n FROM kept')).toEqual([{ n: 1 }]);
      await postgres.stop('immediate');
      await expect(queryOnce(postgres.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
      await postgres.start();
      expect(await queryOnce(postgres.url, 'SELECT n FROM kept')).toEqual([{ n: 1 }]);
    } finally {
      await postgres.close();
    }
    await expect(queryOnce(postgres.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await postgres.close(); // twice is fine
  });
});

const redisUrl = inject('redisUrl');

describe.runIf(redisUrl)('a private Redis', () => {
  it('starts, answers, restarts empty, and is gone after close', async () => {
    const redis = await startPrivateRedis();
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: (n) => (n > 50 ? null : 100) });
    client.on('error', () => {}); // refused while it restarts: expected, and retried
    try {
      await client.set('k', 'v');
      expect(await client.get('k')).toBe('v');
      await redis.restart();
      // ioredis reconnects by itself; no persistence, so the key is gone.
      expect(await client.get('k')).toBeNull();
    } finally {
      client.disconnect();
      await redis.close();
    }
    expect(redis.pid()).toBeUndefined();
  });
});
