import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Db } from '../../src/db/db.js';
import { FakeClock } from './clock.js';
import { createTestDb, type TestDb } from './db.js';
import { connectSocket, type TestSocket } from './socket.js';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/** Configuration for tests: cheap key derivation, generous rate limits, a temporary data dir. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    KDF_MEMORY_KIB: '8',
    KDF_ITERATIONS: '1',
    AUTH_HASH_MEMORY_KIB: '8',
    AUTH_HASH_ITERATIONS: '1',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
    RATE_LIMIT_REGISTER_PER_HOUR: '1000',
    HERALD_DATA_DIR: join(tmpdir(), 'herald-test-data'),
    // No web app unless a test gives one: what the server registers must not depend on whether
    // `npm run build` ran in this checkout (its static files are routes too).
    WEB_DIST_DIR: join(tmpdir(), 'herald-test-no-web-app'),
    ...env,
  });
}

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  clock: FakeClock;
  testDb: TestDb;
  /** This app's HERALD_DATA_DIR (media blobs live in its media/ folder). */
  dataDir: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: FakeClock;
  deps?: Partial<AppDeps>;
  /** Reuse a database (for a second app on the same data); otherwise a fresh one is created. */
  testDb?: TestDb;
}

/** A fully built app on an isolated database, with a fake clock. Never listens. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const testDb = options.testDb ?? (await createTestDb());
  const clock = options.clock ?? new FakeClock();
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-data-'));
  const config = testConfig({ HERALD_DATA_DIR: dataDir, ...options.env });
  const app = await buildApp({ config, db: testDb.db, secret: TEST_SECRET, clock, timers: clock, ...options.deps });
  await app.ready();
  return {
    app,
    db: testDb.db,
    clock,
    testDb,
    dataDir,
    async close() {
      await app.close();
      if (!options.testDb) await testDb.drop();
    },
  };
}

export interface ListeningTestApp extends TestApp {
  baseUrl: string;
  /** A real socket.io-client connection as the owner of `cookie`; closed by `closeSockets()`. */
  connect(cookie: string | undefined, options?: { origin?: string }): Promise<TestSocket>;
  /** Closes every socket opened through `connect` (call it after each test). */
  closeSockets(): void;
}

/** A test app listening on a free local port, for tests that use real sockets. */
export async function createListeningApp(options: TestAppOptions = {}): Promise<ListeningTestApp> {
  const t = await createTestApp(options);
  const baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const sockets: TestSocket[] = [];
  return {
    ...t,
    baseUrl,
    async connect(cookie, connectOptions = {}) {
      const socket = await connectSocket(baseUrl, cookie, connectOptions);
      sockets.push(socket);
      return socket;
    },
    closeSockets() {
      for (const socket of sockets.splice(0)) socket.close();
    },
  };
}
