import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/db.js';
import { databaseUnavailability } from '../src/db/errors.js';
import { createTestDb, onPostgres, openPostgresDb, type TestDb } from './helpers/db.js';

/**
 * What the database layer does when PostgreSQL ends a connection or makes a statement wait:
 * an error to handle (503 for requests), never a process exit, never a silent loss of LISTEN.
 */
describe.runIf(onPostgres())('database failures (PostgreSQL)', () => {
  let t: TestDb;
  let admin: Db;
  beforeAll(async () => {
    t = await createTestDb();
    admin = await t.openAnother();
  });
  afterAll(async () => {
    await t.drop();
  });

  const terminate = (pid: number) => admin.query('SELECT pg_terminate_backend($1)', [pid]);

  it('a session ended by the server while a transaction is open rejects that transaction; the process lives on', async () => {
    const db = await openPostgresDb({ connectionString: t.url!, max: 2 });
    try {
      const outcome = db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await terminate(rows[0]!.pid);
        // The server closed the session while this transaction sat idle in it: pg emits 'error'
        // on the checked-out client (an uncaught exception without a listener).
        await new Promise((resolve) => setTimeout(resolve, 100));
        await tx.query('SELECT 1');
      });
      await expect(outcome).rejects.toThrow();
      // The broken client was discarded: the pool works on.
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await db.transaction((tx) => tx.query('SELECT 1'));
    } finally {
      await db.close();
    }
  });

  it('a statement that waits for a row lock longer than lock_timeout fails fast with a 503-class error', async () => {
    const db = await openPostgresDb({ connectionString: t.url!, max: 2, lockTimeoutMs: 200 });
    try {
      await admin.query('CREATE TABLE lock_probe (id int PRIMARY KEY, v int)');
      await admin.query('INSERT INTO lock_probe VALUES (1, 0)');
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const holder = admin.transaction(async (tx) => {
        await tx.query('UPDATE lock_probe SET v = 1 WHERE id = 1');
        await held;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      const error = await db.query('UPDATE lock_probe SET v = 2 WHERE id = 1').catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(databaseUnavailability(error)).toEqual({ code: 'busy', retryAfterSeconds: 1 });
      release();
      await holder;
    } finally {
      await db.close();
    }
  });

  it('waiting longer than the acquire timeout for a pooled connection fails with a 503-class error', async () => {
    const db = await openPostgresDb({ connectionString: t.url!, max: 1, acquireTimeoutMs: 100 });
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const holder = db.transaction(async () => held);
      const error = await db.query('SELECT 1').catch((e: unknown) => e);
      expect(databaseUnavailability(error)).toEqual({ code: 'busy', retryAfterSeconds: 1 });
      release();
      await holder;
    } finally {
      await db.close();
    }
  });

  it('listens again after the LISTEN connection is killed, saying so, and hears notifications after that', async () => {
    const db = await openPostgresDb({ connectionString: t.url!, max: 3 });
    try {
      const heard: string[] = [];
      const lost: Error[] = [];
      let restored!: () => void;
      const restoredOnce = new Promise<void>((resolve) => (restored = resolve));
      await db.listen('relisten_probe', (payload) => heard.push(payload), {
        lost: (error) => lost.push(error),
        restored: () => restored(),
      });
      const { rows } = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
      );
      expect(rows).toHaveLength(1);
      await terminate(rows[0]!.pid);
      await restoredOnce;
      expect(lost).toHaveLength(1);
      await admin.notify('relisten_probe', 'after');
      await expect.poll(() => heard).toEqual(['after']);
    } finally {
      await db.close();
    }
  });
});
