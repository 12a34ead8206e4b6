import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import type { Conversation, MessagePage } from '@herald/shared';
import type { Db } from '../src/db/db.js';
import { migrate } from '../src/db/migrate.js';
import { openPgDb } from '../src/db/pg.js';
import { openPgliteDb } from '../src/db/pglite.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { ApiClient, registerUser, type TestUser } from './helpers/client.js';
import { FakeClock } from './helpers/clock.js';
import { createTestDb, onPostgres, type TestDb } from './helpers/db.js';
import { pgTool } from './helpers/private-services.js';
import { getScheduled, schedule } from './helpers/scheduling.js';

/**
 * Backups as docs/operations.md gives them: `pg_dump -Fc` / `pg_restore` for PostgreSQL, a copy of
 * the stopped server's data directory for PGlite. The app is started on the restored database and
 * the clock moved past every due time: each scheduled message pending in the backup is delivered
 * exactly once; what was sent or cancelled before the backup stays as it was.
 */

const run = promisify(execFile);
const HOUR = 3_600_000;

/** A TestDb around a database this file opened itself (createTestApp reuses it, never drops it). */
function wrap(db: Db): TestDb {
  return {
    db,
    url: undefined,
    openAnother: () => Promise.reject(new Error('not needed here')),
    drop: () => db.close(),
  };
}

interface Seeded {
  alice: TestUser;
  bob: TestUser;
  carol: TestUser;
  /** Pending in the backup, due in 1 h, 2 h (direct) and 3 h (group). */
  pending: string[];
  sentBefore: string;
  cancelled: string;
}

/**
 * Users, a direct chat and a group, through the API: three pending scheduled messages, one sent
 * (delivered by the dispatcher) and one cancelled before the backup.
 */
async function seed(t: TestApp): Promise<Seeded> {
  const [alice, bob, carol] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
  const group = await alice.client.post<Conversation>('/api/conversations/group', {
    title: 'Backup club',
    memberIds: [bob.id, carol.id],
  });
  expect(group.status).toBe(201);
  const at = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();
  const sentBefore = await schedule(alice, {
    receiverId: bob.id,
    content: 'before the backup',
    scheduledTime: at(60_000),
  });
  const cancelled = await schedule(alice, { receiverId: bob.id, content: 'never', scheduledTime: at(HOUR) });
  const pending = [
    await schedule(alice, { receiverId: bob.id, content: 'in an hour', scheduledTime: at(HOUR) }),
    await schedule(bob, { receiverId: alice.id, content: 'in two hours', scheduledTime: at(2 * HOUR) }),
    await schedule(carol, {
      conversationId: group.body.data.id,
      content: 'in three hours',
      scheduledTime: at(3 * HOUR),
    }),
  ];
  expect((await alice.client.delete(`/api/scheduled-messages/${cancelled.id}`)).status).toBe(200);
  t.clock.advance(2 * 60_000);
  expect(await t.app.herald.dispatcher.runOnce()).toBe(1);
  expect(await getScheduled(alice, sentBefore.id)).toMatchObject({ status: 'sent' });
  return { alice, bob, carol, pending: pending.map((s) => s.id), sentBefore: sentBefore.id, cancelled: cancelled.id };
}

/**
 * On the restored app: past every due time, the dispatcher delivers the pending rows once (a
 * second run finds nothing), the one sent before is not sent again, the cancelled one stays so.
 */
async function expectDeliveredOnce(t: TestApp, seeded: Seeded): Promise<void> {
  t.clock.advance(4 * HOUR);
  expect(await t.app.herald.dispatcher.runOnce()).toBe(seeded.pending.length);
  expect(await t.app.herald.dispatcher.runOnce()).toBe(0);
  const { rows } = await t.db.query<{ id: string; status: string; messages: number }>(
    `SELECT s.id, s.status, (SELECT count(*)::int FROM messages m WHERE m.scheduled_message_id = s.id) AS messages
       FROM scheduled_messages s ORDER BY s.scheduled_time, s.id`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const id of [...seeded.pending, seeded.sentBefore]) {
    expect(byId.get(id)).toMatchObject({ status: 'sent', messages: 1 });
  }
  expect(byId.get(seeded.cancelled)).toMatchObject({ status: 'cancelled', messages: 0 });
  expect(rows).toHaveLength(5);
  // The restored sessions still work (same secret): Bob reads his direct chat through the API.
  const bob = new ApiClient(t.app, seeded.bob.client.cookie);
  const chats = await bob.get<Conversation[]>('/api/conversations');
  expect(chats.status).toBe(200);
  const direct = chats.body.data.find((c) => c.kind === 'direct')!;
  const messages = await bob.get<MessagePage>(`/api/conversations/${direct.id}/messages`);
  expect(messages.body.data.messages.filter((m) => m.scheduledMessageId !== null)).toHaveLength(3);
}

describe.runIf(onPostgres())('backup and restore (PostgreSQL: pg_dump -Fc, pg_restore)', () => {
  it('restores a dump; its pending scheduled messages are then delivered exactly once', async () => {
    const template = inject('pgTemplate')!;
    const dir = await mkdtemp(join(tmpdir(), 'herald-backup-'));
    const dump = join(dir, 'herald.dump');
    const clock = new FakeClock();
    const source = await createTestDb();
    const restoredName = `herald_restored_${randomBytes(5).toString('hex')}`;
    const restoredUrl = new URL(template.baseUrl);
    restoredUrl.pathname = `/${restoredName}`;
    const admin = new pg.Client({ connectionString: template.baseUrl });
    await admin.connect();
    let restoredDb: Db | undefined;
    const apps: TestApp[] = [];
    try {
      const live = await createTestApp({ testDb: source, clock });
      apps.push(live);
      const seeded = await seed(live);

      await run(await pgTool('pg_dump'), ['-Fc', '-f', dump, '-d', source.url!]);
      // After the dump, the live system delivers the first pending row: the backup does not know.
      live.clock.advance(HOUR);
      expect(await live.app.herald.dispatcher.runOnce()).toBe(1);

      await admin.query(`CREATE DATABASE ${restoredName} TEMPLATE template0`);
      await run(await pgTool('pg_restore'), ['--no-owner', '--exit-on-error', '-d', restoredUrl.toString(), dump]);
      restoredDb = await openPgDb({ connectionString: restoredUrl.toString(), max: 4 });
      // Migrations find everything recorded: nothing to apply.
      expect(await migrate(restoredDb)).toEqual([]);
      const restored = await createTestApp({ testDb: wrap(restoredDb), clock: new FakeClock(live.clock.now()) });
      apps.push(restored);
      // Delivered once in the restored database, including the row the old system sent after the
      // dump (its recipient sees it a second time: operations.md says what to do about that).
      await expectDeliveredOnce(restored, seeded);
    } finally {
      for (const app of apps) await app.close().catch(() => {});
      await restoredDb?.close().catch(() => {});
      await source.drop();
      await admin.query(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`);
      await admin.end();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('backup and restore (PGlite: a copy of the stopped server data directory)', () => {
  it('restores a copied data directory; its pending scheduled messages are then delivered exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-pglite-backup-'));
    const clock = new FakeClock();
    const apps: TestApp[] = [];
    try {
      // The layout of HERALD_DATA_DIR: PGlite's files in its pglite/ folder (db/index.ts).
      await mkdir(join(dir, 'live', 'pglite'), { recursive: true });
      // Started from the run's migrated template when there is one (PGlite mode): an initdb costs
      // many seconds on a loaded machine.
      const template = inject('pgliteTemplate');
      const original = await openPgliteDb({
        dataDir: join(dir, 'live', 'pglite'),
        ...(template ? { loadDataDir: new Blob([await readFile(template)]) } : {}),
      });
      await migrate(original);
      const live = await createTestApp({ testDb: wrap(original), clock });
      apps.push(live);
      const seeded = await seed(live);
      // Stop the server (the app, then the database), copy the directory.
      await live.close();
      await original.close();
      await cp(join(dir, 'live'), join(dir, 'backup'), { recursive: true });

      const copy = await openPgliteDb({ dataDir: join(dir, 'backup', 'pglite') });
      const restored = await createTestApp({ testDb: wrap(copy), clock: new FakeClock(clock.now()) });
      apps.push(restored);
      await expectDeliveredOnce(restored, seeded);
      await restored.close();
      await copy.close();
    } finally {
      for (const app of apps) await app.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
    // Two file-backed PGlite databases (initdb, migrations, a restart): slow on a loaded machine.
  }, 120_000);
});
