import { createServer, connect, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { openPgDb } from '../src/db/pg.js';
import { createTestApp } from './helpers/app.js';
import { registerUser } from './helpers/client.js';
import { createTestDb, onPostgres } from './helpers/db.js';

/**
 * Found by the chaos run (bench/chaos, scenario "pg-restart"): a query in flight when PostgreSQL
 * went away could fail with the socket's own error, `read ECONNRESET` (the backend exited with the
 * query unread, so the kernel reset the connection), and the request answered 500 instead of 503.
 * A proxy between the pool and PostgreSQL resets connections on demand to make that happen.
 */
interface ResetProxy {
  port: number;
  /** While true, a connection that sends anything is reset (RST) instead of forwarded. */
  resetting: boolean;
  close(): Promise<void>;
}

async function startResetProxy(target: URL): Promise<ResetProxy> {
  const sockets = new Set<Socket>();
  const proxy: ResetProxy & { server?: Server } = { port: 0, resetting: false, close: async () => {} };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (chunk) => {
      if (proxy.resetting) {
        client.resetAndDestroy();
        upstream.destroy();
      } else upstream.write(chunk);
    });
    upstream.pipe(client);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as { port: number }).port;
  proxy.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return proxy;
}

describe.runIf(onPostgres())('a database connection reset under a request', () => {
  it('answers 503 with Retry-After, not 500, and works again once the database does', async () => {
    const base = await createTestDb();
    const proxy = await startResetProxy(new URL(base.url!));
    const url = new URL(base.url!);
    url.host = `127.0.0.1:${proxy.port}`;
    const db = await openPgDb({ connectionString: url.toString(), max: 4 });
    const t = await createTestApp({
      testDb: {
        db,
        url: url.toString(),
        openAnother: () => Promise.reject(new Error('unused')),
        drop: () => db.close(),
      },
    });
    try {
      const alice = await registerUser(t.app);
      proxy.resetting = true;
      const refused = await alice.client.get('/api/conversations');
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBeDefined();
      proxy.resetting = false;
      expect((await alice.client.get('/api/conversations')).status).toBe(200);
    } finally {
      await t.close();
      await db.close();
      await proxy.close();
      await base.drop();
    }
  });
});
