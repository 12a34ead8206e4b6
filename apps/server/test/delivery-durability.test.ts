import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DbClock } from '../src/db/db-clock.js';
import type { Db } from '../src/db/db.js';
import { createTestApp } from './helpers/app.js';
import { ApiClient, registerUser } from './helpers/client.js';
import { FakeClock } from './helpers/clock.js';
import { createTestDb, onPostgres, type TestDb } from './helpers/db.js';
import { startServerProcess, waitForHttp } from './helpers/process.js';
import { getScheduled, schedule } from './helpers/scheduling.js';
import { seedDirectChats, seedScheduled } from './helpers/seed.js';

async function deliveredExactlyOnce(db: Db, expected: number): Promise<void> {
  const { rows } = await db.query<{
    sent: number;
    other: number;
    messages: number;
    distinct: number;
    mismatched: number;
  }>(
    `SELECT
       (SELECT count(*) FROM scheduled_messages WHERE status = 'sent') AS sent,
       (SELECT count(*) FROM scheduled_messages WHERE status <> 'sent') AS other,
       (SELECT count(*) FROM messages WHERE scheduled_message_id IS NOT NULL) AS messages,
       (SELECT count(DISTINCT scheduled_message_id) FROM messages) AS distinct,
       (SELECT count(*) FROM scheduled_messages s LEFT JOIN messages m ON m.id = s.message_id
          WHERE s.status = 'sent' AND (m.id IS NULL OR m.scheduled_message_id <> s.id)) AS mismatched`,
  );
  expect(rows[0]).toEqual({ sent: expected, other: 0, messages: expected, distinct: expected, mismatched: 0 });
}

describe('restart', () => {
  it('delivers after a restart what came due while no server was running', async () => {
    const testDb = await createTestDb();
    const clock = new FakeClock();
    try {
      const first = await createTestApp({ testDb, clock });
      const [alice, bob] = [await registerUser(first.app), await registerUser(first.app)];
      const s = await schedule(alice, {
        receiverId: bob.id,
        content: 'while you were down',
        scheduledTime: new Date(clock.now().getTime() + 60_000).toISOString(),
      });
      await first.close(); // the server goes down...
      clock.advance(10 * 60_000); // ...for ten minutes, past the due time
      const second = await createTestApp({ testDb, clock });
      alice.client = new ApiClient(second.app, alice.client.cookie);
      expect(await second.app.herald.dispatcher.runOnce()).toBe(1);
      expect(await getScheduled(alice, s.id)).toMatchObject({ status: 'sent' });
      await second.close();
    } finally {
      await testDb.drop();
    }
  });
});

describe('database clock', () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createTestDb();
  });
  afterAll(async () => {
    await testDb.drop();
  });

  it('follows the database clock, not the local one', async () => {
    const clock = new DbClock(testDb.db);
    await clock.sync();
    expect(Math.abs(clock.offset)).toBeLessThan(1000);
    // A database whose clock runs an hour ahead of ours: now() follows it.
    const ahead: Db = {
      ...testDb.db,
      query: (sql, params) =>
        testDb.db.query(sql.replace('clock_timestamp()', "clock_timestamp() + interval '1 hour'"), params),
    };
    const skewed = new DbClock(ahead);
    await skewed.sync();
    expect(Math.abs(skewed.now().getTime() - (Date.now() + 3_600_000))).toBeLessThan(1000);
  });
});

describe.runIf(onPostgres())('exactly once under concurrency and crashes (PostgreSQL)', () => {
  it('two dispatchers deliver 10,000 rows, each exactly once', async () => {
    const testDb = await createTestDb();
    const clock = new FakeClock();
    try {
      const one = await createTestApp({ testDb, clock, env: { DISPATCHER_BATCH_SIZE: '250' } });
      const otherDb = await testDb.openAnother();
      const two = await createTestApp({
        testDb: { ...testDb, db: otherDb },
        clock,
        env: { DISPATCHER_BATCH_SIZE: '250' },
      });
      const chats = await seedDirectChats(testDb.db, 200, clock.now());
      const due = Array.from({ length: 10_000 }, (_, i) => new Date(clock.now().getTime() + 1000 + (i % 500)));
      await seedScheduled(testDb.db, chats, due, clock.now());
      clock.advance(2000);
      const [a, b] = await Promise.all([one.app.herald.dispatcher.runOnce(), two.app.herald.dispatcher.runOnce()]);
      expect(a + b).toBe(10_000);
      expect(a).toBeGreaterThan(0);
      expect(b).toBeGreaterThan(0);
      await deliveredExactlyOnce(testDb.db, 10_000);
      // Unread counts add up: every recipient got exactly their messages.
      const { rows } = await testDb.db.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM messages m
         JOIN conversation_members cm ON cm.conversation_id = m.conversation_id AND cm.user_id <> m.sender_id
         WHERE m.seq > cm.read_seq`,
      );
      expect(rows[0]!.total).toBe(10_000);
      await one.close();
      await two.close();
    } finally {
      await testDb.drop();
    }
  });

  it('a server process killed with SIGKILL mid-burst leaves nothing half done; a new one finishes exactly once', async () => {
    const template = inject('pgTemplate')!;
    const name = `herald_kill_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: template.baseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template.database}`);
    const url = new URL(template.baseUrl);
    url.pathname = `/${name}`;
    const db = await (await import('../src/db/pg.js')).openPgDb({ connectionString: url.toString(), max: 2 });
    const total = 8_000;
    try {
      const { rows: clockRows } = await db.query<{ now: Date }>('SELECT clock_timestamp() AS now');
      const now = clockRows[0]!.now;
      const chats = await seedDirectChats(db, 500, now);
      await seedScheduled(
        db,
        chats,
        Array.from({ length: total }, () => new Date(now.getTime() - 1000)),
        now,
      );
      const env = {
        DATABASE_URL: url.toString(),
        JWT_SECRET: 'kill-test-secret-kill-test-secret-kill',
        HERALD_DATA_DIR: `/tmp/${name}`,
        DISPATCHER_BATCH_SIZE: '20',
        DISPATCHER_CONCURRENCY: '1',
        LOG_LEVEL: 'warn',
      };
      const sentCount = async () =>
        Number(
          (await db.query<{ n: number }>("SELECT count(*) AS n FROM scheduled_messages WHERE status = 'sent'")).rows[0]!
            .n,
        );
      const victim = await startServerProcess(env);
      await expect.poll(sentCount, { timeout: 30_000, interval: 10 }).toBeGreaterThan(0);
      victim.child.kill('SIGKILL');
      await victim.exited;
      const atKill = await sentCount();
      expect(atKill).toBeLessThan(total);
      // Nothing half-done: every sent row has its one message, and no message exists without its row sent.
      const { rows: orphans } = await db.query<{ n: number }>(
        `SELECT count(*) AS n FROM messages m JOIN scheduled_messages s ON s.id = m.scheduled_message_id
         WHERE s.status <> 'sent'`,
      );
      expect(orphans[0]!.n).toBe(0);
      const successor = await startServerProcess(env);
      try {
        await waitForHttp(successor);
        await expect
          .poll(
            async () =>
              (await db.query<{ n: number }>("SELECT count(*) AS n FROM scheduled_messages WHERE status = 'pending'"))
                .rows[0]!.n,
            {
              timeout: 60_000,
              interval: 100,
            },
          )
          .toBe(0);
        await deliveredExactlyOnce(db, total);
      } finally {
        await successor.stop();
      }
    } finally {
      await db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }, 120_000);
});
