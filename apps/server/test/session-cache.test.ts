import { performance } from 'node:perf_hooks';
import { deriveKeys, newKdfParams, sealKeyBundle } from '@herald/crypto';
import type { SelfUser } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, ListenerEvents } from '../src/db/db.js';
import { openPgDb } from '../src/db/pg.js';
import { SessionCache, SESSIONS_CHANNEL, sessionNotice } from '../src/modules/auth/session-cache.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { ApiClient, loginUser, registerUser, type TestUser } from './helpers/client.js';
import { FakeClock } from './helpers/clock.js';
import { createTestDb, onPostgres, type TestDb } from './helpers/db.js';

/**
 * Session checks from memory (modules/auth/session-cache.ts), through HTTP on two apps with their
 * own connection pools on one PostgreSQL database, as two processes would be. Each pool is
 * wrapped to record the SQL it runs: what is counted is statements reading `sessions`.
 *
 * "Immediately" means: the NOTIFY that ends a session is delivered to every listening process
 * when the change commits. The revoking process drops its own entry before answering; another
 * process drops it when the notification reaches its LISTEN connection. The tests await that
 * notification on app B's own LISTEN connection (the handler a test adds runs right after the
 * cache's, on the same message), and measure how long after the revoking answer it came.
 */

/** A Db that records every statement it runs (transactions included), then runs it. */
function recording(inner: Db): { db: Db; sessionReads: () => number; statements: () => number } {
  const seen: string[] = [];
  const db: Db = {
    ...inner,
    query: (sql, params, options) => {
      seen.push(sql);
      return inner.query(sql, params, options);
    },
    transaction: (fn) =>
      inner.transaction((tx) =>
        fn({
          query: (sql, params, options) => {
            seen.push(sql);
            return tx.query(sql, params, options);
          },
          savepoint: (step) => tx.savepoint(step),
        }),
      ),
  };
  return {
    db,
    sessionReads: () => seen.filter((sql) => /FROM sessions/.test(sql)).length,
    statements: () => seen.length,
  };
}

type Recorded = ReturnType<typeof recording>;

/**
 * Resolves with performance.now() when `payload` reaches `db`'s LISTEN connection. Added after
 * the app's own listener, this handler runs after the session cache has handled the message.
 */
async function noticeArriving(db: Db, payload: string): Promise<{ arrived: Promise<number> }> {
  let resolve!: (at: number) => void;
  const arrived = new Promise<number>((r) => (resolve = r));
  const unlisten = await db.listen(SESSIONS_CHANNEL, (heard) => {
    if (heard === payload) resolve(performance.now());
  });
  return { arrived: arrived.finally(() => void unlisten()) };
}

/** Events of `db`'s LISTEN connection, as promises. */
async function listenerEvents(
  db: Db,
): Promise<{ lost: Promise<void>; restored: Promise<void>; stop(): Promise<void> }> {
  let lost!: () => void;
  let restored!: () => void;
  const events: ListenerEvents = { lost: () => lost(), restored: () => restored() };
  const promises = {
    lost: new Promise<void>((r) => (lost = r)),
    restored: new Promise<void>((r) => (restored = r)),
  };
  const stop = await db.listen(SESSIONS_CHANNEL, () => {}, events);
  return { ...promises, stop };
}

describe.runIf(onPostgres())('session checks without a database read, revoked at once on every process', () => {
  let testDb: TestDb;
  const pools: Db[] = [];
  let recA: Recorded;
  let recB: Recorded;
  let a: TestApp;
  let b: TestApp;
  /** Milliseconds from the revoking answer on A to the notification at B (negative: it came first). */
  const windows: Record<string, number> = {};

  beforeAll(async () => {
    testDb = await createTestDb();
    const open = async (name: string) => {
      const pool = await openPgDb({ connectionString: testDb.url!, max: 5, applicationName: name });
      pools.push(pool);
      return recording(pool);
    };
    recA = await open('herald-a');
    recB = await open('herald-b');
    const clock = new FakeClock();
    a = await createTestApp({ testDb, clock, deps: { db: recA.db } });
    b = await createTestApp({ testDb, clock, deps: { db: recB.db } });
  });

  afterAll(async () => {
    const shown = Object.entries(windows).map(([k, ms]) => `${k} ${ms.toFixed(2)}`);
    console.warn(`session-cache: notification at B after the revoking answer on A (ms): ${shown.join(', ')}`);
    await a?.close();
    await b?.close();
    for (const pool of pools) await pool.close();
    await testDb?.drop();
  });

  /** Requests until one runs no session read (the cache listens after the first read), 5 s at most. */
  async function cached(client: ApiClient, rec: Recorded): Promise<void> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const before = rec.sessionReads();
      expect((await client.get('/api/auth/me')).status).toBe(200);
      if (rec.sessionReads() === before) return;
      if (Date.now() > deadline) throw new Error('the session cache never answered');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  const onB = (cookie: string | undefined) => new ApiClient(b.app, cookie);

  async function signedIn(): Promise<{ alice: TestUser; aliceOnB: ApiClient }> {
    const alice = await registerUser(a.app);
    const aliceOnB = onB(alice.client.cookie);
    await cached(aliceOnB, recB);
    await cached(alice.client, recA);
    return { alice, aliceOnB };
  }

  it('answers authenticated requests without reading sessions', async () => {
    const { alice } = await signedIn();
    const onApp = onB(alice.client.cookie);
    const reads = recB.sessionReads();
    const statements = recB.statements();
    for (let i = 0; i < 20; i++) expect((await onApp.get('/api/auth/me')).status).toBe(200);
    expect(recB.sessionReads() - reads).toBe(0);
    console.warn(`session-cache: statements per GET /api/auth/me, cached: ${(recB.statements() - statements) / 20}`);
  });

  it('a logout on A is a 401 on B once the notification is in, and on A at once', async () => {
    const { alice, aliceOnB } = await signedIn();
    const sessionId = JSON.parse(Buffer.from(alice.client.cookie!.split('.')[1]!, 'base64url').toString()).sid;
    const notice = await noticeArriving(recB.db, sessionNotice.session(sessionId as string));
    const cookie = alice.client.cookie;
    expect((await alice.client.post('/api/auth/logout')).status).toBe(200);
    const answered = performance.now();
    // A dropped its entry before answering: no notification needed there.
    expect((await new ApiClient(a.app, cookie).get('/api/auth/me')).status).toBe(401);
    windows.logout = (await notice.arrived) - answered;
    const reads = recB.sessionReads();
    expect((await aliceOnB.get('/api/auth/me')).status).toBe(401);
    expect(recB.sessionReads() - reads).toBe(1); // B asked the database, which said revoked
  });

  it('measures the window: a request sent to B right after the logout answer on A, without waiting', async () => {
    const alice = await registerUser(a.app);
    const rounds = 10;
    let stale = 0;
    const untilRefused: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const device = await loginUser(a.app, alice.username, alice.password);
      const deviceOnB = onB(device.cookie);
      await cached(deviceOnB, recB);
      expect((await device.post('/api/auth/logout')).status).toBe(200);
      const answered = performance.now();
      // However late the notification, B refuses the session within a second of the answer.
      for (let first = true; ; first = false) {
        const sentAt = performance.now();
        if ((await deviceOnB.get('/api/auth/me')).status === 401) {
          untilRefused.push(sentAt - answered);
          break;
        }
        if (first) stale += 1;
        expect(performance.now() - answered).toBeLessThan(1000);
      }
    }
    console.warn(
      `session-cache: ${stale}/${rounds} requests sent to B right after a logout on A still answered 200; ` +
        `the first refused one was sent ${untilRefused.map((ms) => ms.toFixed(1)).join(', ')} ms after the answer`,
    );
  });

  it('logout everywhere, a password change and an account deletion on A are 401s on B', async () => {
    // Logout everywhere: both of Alice's sessions, each cached on B.
    const { alice, aliceOnB } = await signedIn();
    const phoneOnB = onB((await loginUser(a.app, alice.username, alice.password)).cookie);
    await cached(phoneOnB, recB);
    let notice = await noticeArriving(recB.db, sessionNotice.user(alice.id));
    expect((await alice.client.post('/api/auth/logout-all')).status).toBe(200);
    let answered = performance.now();
    windows.logoutAll = (await notice.arrived) - answered;
    expect((await aliceOnB.get('/api/auth/me')).status).toBe(401);
    expect((await phoneOnB.get('/api/auth/me')).status).toBe(401);

    // Password change: the other device is out on B, the device that changed it has a new cookie.
    const bob = await registerUser(a.app);
    const otherOnB = onB((await loginUser(a.app, bob.username, bob.password)).cookie);
    await cached(otherOnB, recB);
    const newKdf = newKdfParams({ algorithm: 'argon2id', memoryKiB: 8, iterations: 1, parallelism: 1 });
    const { authKey: newAuthKey, encryptionKey } = await deriveKeys('another passphrase', newKdf);
    notice = await noticeArriving(recB.db, sessionNotice.user(bob.id));
    const changed = await bob.client.post('/api/auth/change-password', {
      currentAuthKey: bob.authKey,
      newAuthKey,
      newKdf,
      encryptedPrivateKeys: sealKeyBundle(bob.keys, encryptionKey),
    });
    expect(changed.status).toBe(200);
    answered = performance.now();
    windows.passwordChange = (await notice.arrived) - answered;
    expect((await otherOnB.get('/api/auth/me')).status).toBe(401);
    expect((await onB(bob.client.cookie).get('/api/auth/me')).status).toBe(200);

    // Account deletion.
    const carol = await registerUser(a.app);
    const carolOnB = onB(carol.client.cookie);
    await cached(carolOnB, recB);
    notice = await noticeArriving(recB.db, sessionNotice.user(carol.id));
    expect((await carol.client.delete('/api/users/me', { authKey: carol.authKey })).status).toBe(200);
    answered = performance.now();
    windows.deletion = (await notice.arrived) - answered;
    expect((await carolOnB.get('/api/auth/me')).status).toBe(401);
  });

  it('a time zone changed on A is what B answers on the next request', async () => {
    const { alice, aliceOnB } = await signedIn();
    const patched = await alice.client.patch('/api/users/me', { timeZone: 'Asia/Tokyo' });
    expect(patched.status).toBe(200);
    // Nothing awaited: the session holds no profile field, B reads the row.
    const me = await aliceOnB.get<{ user: SelfUser }>('/api/auth/me');
    expect(me.body.data.user.timeZone).toBe('Asia/Tokyo');
  });

  it('without its LISTEN connection B reads every session; a revocation made meanwhile is honoured', async () => {
    const { alice, aliceOnB } = await signedIn();
    const stays = await registerUser(a.app);
    const staysOnB = onB(stays.client.cookie);
    await cached(staysOnB, recB);

    const events = await listenerEvents(recB.db);
    const { rows } = await recA.db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE application_name = 'herald-b' AND datname = current_database() AND query LIKE 'LISTEN%'`,
    );
    expect(rows).toHaveLength(1);
    await recA.db.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await events.lost;
    // Revoked while B is not listening: this NOTIFY never reaches B.
    expect((await alice.client.post('/api/auth/logout')).status).toBe(200);
    expect((await aliceOnB.get('/api/auth/me')).status).toBe(401);
    const reads = recB.sessionReads();
    expect((await staysOnB.get('/api/auth/me')).status).toBe(200);
    expect(recB.sessionReads() - reads).toBe(1);

    // Listening again: served from memory again, and revocations heard again.
    await events.restored;
    await events.stop();
    await cached(staysOnB, recB);
    const notice = await noticeArriving(recB.db, sessionNotice.user(stays.id));
    expect((await stays.client.post('/api/auth/logout-all')).status).toBe(200);
    await notice.arrived;
    expect((await staysOnB.get('/api/auth/me')).status).toBe(401);
  });
});

/** The cache's own rules, on a real LISTEN connection. */
describe.runIf(onPostgres())('the session cache', () => {
  let testDb: TestDb;
  const userId = '00000000-0000-4000-8000-000000000001';
  const live = { userId, tokenVersion: 0, expiresAt: new Date('2030-01-01T00:00:00Z') };
  const claims = (sessionId: string) => ({ sessionId, userId, tokenVersion: 0 });
  const now = new Date('2029-01-01T00:00:00Z');
  const sid = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;

  beforeAll(async () => {
    testDb = await createTestDb();
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  /** A cache that serves: listening started by a first read, awaited. */
  async function serving(options: ConstructorParameters<typeof SessionCache>[1] = {}): Promise<SessionCache> {
    const cache = new SessionCache(testDb.db, options);
    cache.fill(cache.beginRead(), sid(0), live); // starts listening (not kept: not listening yet)
    const deadline = Date.now() + 5000;
    while (!cache.serving) {
      if (Date.now() > deadline) throw new Error('the cache never started listening');
      await new Promise((r) => setTimeout(r, 10));
    }
    return cache;
  }

  it('does not keep a read that raced an invalidation, of any session', async () => {
    const cache = await serving();
    const ticket = cache.beginRead();
    cache.dropSession(sid(9)); // another session ended while this read was in flight
    cache.fill(ticket, sid(1), live);
    expect(cache.get(claims(sid(1)), now)).toBeUndefined();
    cache.fill(cache.beginRead(), sid(1), live);
    expect(cache.get(claims(sid(1)), now)).toMatchObject(live);
    await cache.stop();
  });

  it('refuses from memory what the claims or the clock say differently, and forgets after its TTL', async () => {
    const cache = await serving({ ttlMs: 100 });
    cache.fill(cache.beginRead(), sid(1), live);
    expect(cache.get({ ...claims(sid(1)), tokenVersion: 1 }, now)).toBeUndefined();
    expect(cache.get({ ...claims(sid(1)), userId: sid(2) }, now)).toBeUndefined();
    expect(cache.get(claims(sid(1)), new Date('2031-01-01T00:00:00Z'))).toBeUndefined(); // expired
    cache.fill(cache.beginRead(), sid(1), live);
    expect(cache.get(claims(sid(1)), now)).toBeDefined();
    await new Promise((r) => setTimeout(r, 150));
    expect(cache.get(claims(sid(1)), now)).toBeUndefined();
    await cache.stop();
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const cache = await serving({ maxEntries: 2 });
    cache.fill(cache.beginRead(), sid(1), live);
    cache.fill(cache.beginRead(), sid(2), live);
    expect(cache.get(claims(sid(1)), now)).toBeDefined(); // 1 is now the most recent
    cache.fill(cache.beginRead(), sid(3), live);
    expect(cache.size).toBe(2);
    expect(cache.get(claims(sid(2)), now)).toBeUndefined();
    expect(cache.get(claims(sid(1)), now)).toBeDefined();
    cache.dropUser(userId);
    expect(cache.size).toBe(0);
    await cache.stop();
  });

  it('hears revocations committed by any connection, and only committed ones', async () => {
    const cache = await serving();
    cache.fill(cache.beginRead(), sid(1), live);
    cache.fill(cache.beginRead(), sid(2), live);
    const other = await testDb.openAnother();
    // Rolled back: never delivered.
    await other
      .transaction(async (tx) => {
        await tx.query('SELECT pg_notify($1, $2)', [SESSIONS_CHANNEL, sessionNotice.session(sid(1))]);
        throw new Error('roll back');
      })
      .catch(() => {});
    const notice = await noticeArriving(testDb.db, sessionNotice.session(sid(2)));
    await other.query('SELECT pg_notify($1, $2)', [SESSIONS_CHANNEL, sessionNotice.session(sid(2))]);
    await notice.arrived;
    expect(cache.get(claims(sid(1)), now)).toBeDefined();
    expect(cache.get(claims(sid(2)), now)).toBeUndefined();
    await cache.stop();
  });
});
