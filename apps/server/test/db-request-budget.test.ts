import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/db.js';
import { openPgDb } from '../src/db/pg.js';
import {
  chargeDatabaseTime,
  DatabaseBudgetSpent,
  openDatabaseBudget,
  outsideRequest,
  withDatabaseBudget,
} from '../src/db/request-budget.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { directChat, sealText } from './helpers/chat.js';
import { loginUser, registerUser, type TestUser } from './helpers/client.js';
import { createTestDb, onPostgres, type TestDb } from './helpers/db.js';

describe('a request’s budget of database time', () => {
  it('is charged by each call; once spent, the next call is refused at once', async () => {
    const slow = () => new Promise<string>((resolve) => setTimeout(() => resolve('done'), 30));
    const budget = openDatabaseBudget(20);
    await withDatabaseBudget(budget, async () => {
      await expect(chargeDatabaseTime(slow)).resolves.toBe('done'); // budget left when it started
      await expect(chargeDatabaseTime(slow)).rejects.toBeInstanceOf(DatabaseBudgetSpent);
      // Background work started from inside a request is not charged to it.
      await expect(outsideRequest(() => chargeDatabaseTime(slow))).resolves.toBe('done');
      // Once the request is answered, its budget binds nothing that inherited its context.
      budget.closed = true;
      await expect(chargeDatabaseTime(slow)).resolves.toBe('done');
    });
    // Outside a request there is no budget (the dispatcher, housekeeping).
    await expect(chargeDatabaseTime(slow)).resolves.toBe('done');
  });
});

/**
 * Through HTTP on PostgreSQL, with a pool of one connection for queries (a second one is the
 * session cache's LISTEN connection): a request whose session check had to wait for the pool
 * longer than its budget answers 503 busy, with Retry-After, from its handler's first database
 * call, and stores nothing. The JSON body is read between the session check and the handler: the
 * budget follows the request across it.
 */
describe.runIf(onPostgres())('the budget on a real request (PostgreSQL)', () => {
  let testDb: TestDb;
  let pool: Db;
  let t: TestApp;
  let alice: TestUser;
  let conversationId: string;
  beforeAll(async () => {
    testDb = await createTestDb();
    pool = await openPgDb({ connectionString: testDb.url!, max: 2, acquireTimeoutMs: 10_000 });
    t = await createTestApp({ testDb, deps: { db: pool }, env: { DATABASE_REQUEST_BUDGET_MS: '150' } });
    alice = await registerUser(t.app);
    const bob = await registerUser(t.app);
    conversationId = (await directChat(alice, bob)).id;
  });
  afterAll(async () => {
    await t.close();
    await pool.close();
    await testDb.drop();
  });

  const messageCount = async () =>
    (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM messages')).rows[0]!.n;

  it('a send that waited 400 ms for the pool is refused 503 busy and stores nothing; without the wait it is sent', async () => {
    const content = await sealText(alice, conversationId, 'hello');
    // A device this process has not seen: its session check reads the database (one it knows
    // would be answered from memory, modules/auth/session-cache.ts) and waits for the pool.
    const device = await loginUser(t.app, alice.username, alice.password);
    const before = await messageCount();
    let release!: () => void;
    const held = pool.transaction(() => new Promise<void>((resolve) => (release = resolve)));
    const send = device.post(`/api/conversations/${conversationId}/messages`, { content });
    setTimeout(() => release(), 400);
    await held;
    const refused = await send;
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: { code: 'busy' } });
    expect(refused.headers['retry-after']).toBe('1');
    expect(await messageCount()).toBe(before);

    const sent = await alice.client.post(`/api/conversations/${conversationId}/messages`, { content });
    expect(sent.status).toBe(201);
    expect(await messageCount()).toBe(before + 1);
  });
});
