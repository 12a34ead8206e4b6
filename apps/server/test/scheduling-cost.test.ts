import type { Conversation, ScheduledMessage } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Tx } from '../src/db/db.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { directChat, groupChat } from './helpers/chat.js';
import { registerUser } from './helpers/client.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { inMs, sealScheduledBody } from './helpers/scheduling.js';

/**
 * Issue 11 (W3, creation over HTTP): a creation used to cost seven round trips (the session, the
 * posting context, BEGIN, the sender's quota lock, the members, the insert, COMMIT). The common
 * one (text into a named conversation) now costs one of its own: a statement that reads the
 * posting context, checks the recipients, counts under the quota lock (migration 0012) and
 * inserts, in its own transaction. The counts must still see every earlier creation of the
 * sender (concurrent creations at the limit stop exactly at it), and what that statement does not
 * write for (a block, a chat left or deleted) is answered as before.
 */

/** The app's database, noting every statement sent through it ('BEGIN' for a transaction). */
function notingDb(db: Db): { db: Db; statements: string[] } {
  const statements: string[] = [];
  const note = (sql: string) => statements.push(sql.replace(/\s+/g, ' ').trim());
  const notedTx = (tx: Tx): Tx => ({
    query: (sql, params, options) => {
      note(sql);
      return tx.query(sql, params, options);
    },
    savepoint: (fn) => tx.savepoint((inner) => fn(notedTx(inner))),
  });
  const noted = new Proxy(db, {
    get(target, key) {
      if (key === 'query') {
        return (...args: Parameters<Db['query']>) => {
          note(args[0]);
          return target.query(...args);
        };
      }
      if (key === 'transaction') {
        return <T>(fn: (tx: Tx) => Promise<T>) => {
          note('BEGIN');
          return target.transaction((tx) => fn(notedTx(tx)));
        };
      }
      if (key === 'notify') {
        return (...args: Parameters<Db['notify']>) => {
          note('NOTIFY');
          return target.notify(...args);
        };
      }
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: noted, statements };
}

/** The session's own read (the auth module's business, cached or not). */
const isSessionRead = (sql: string) => /FROM sessions /.test(sql);

let testDb: TestDb;
let noting: ReturnType<typeof notingDb>;
let t: TestApp;

beforeAll(async () => {
  testDb = await createTestDb();
  noting = notingDb(testDb.db);
  t = await createTestApp({
    testDb: { ...testDb, db: noting.db },
    env: { SCHEDULE_MAX_PENDING_PER_CONVERSATION: '4', SCHEDULE_MAX_PENDING_PER_USER: '1000' },
  });
});
afterAll(async () => {
  await t.close();
  await testDb.drop();
});

describe('the cost of scheduling a message', () => {
  it('is one statement, in its own transaction', async () => {
    const [alice, bob] = await Promise.all([registerUser(t.app), registerUser(t.app)]);
    const chat = await directChat(alice, bob);
    const body = await sealScheduledBody(alice, { conversationId: chat.id, content: 'hi', scheduledTime: '' });
    const post = (n: number) =>
      alice.client.post<ScheduledMessage>('/api/scheduled-messages', {
        ...body,
        scheduledTime: inMs(t, 3_600_000 + n),
      });
    expect((await post(0)).status).toBe(201);

    noting.statements.length = 0;
    const res = await post(1);
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ conversationId: chat.id, status: 'pending', receiverId: bob.id });
    const own = noting.statements.filter((sql) => !isSessionRead(sql));
    expect(own).not.toContain('BEGIN');
    expect(own).toHaveLength(1);
  });

  it('answers what the one statement does not write for as before: a block, a group left, a chat deleted', async () => {
    const [erin, frank, gina] = await Promise.all([registerUser(t.app), registerUser(t.app), registerUser(t.app)]);
    const direct = await directChat(erin, frank);
    const group = await groupChat(erin, 'Trio', [frank, gina]);
    const later = (user: typeof erin, conversationId: string, text: string) =>
      sealScheduledBody(user, { conversationId, content: text, scheduledTime: inMs(t, 60_000) });
    const sealedForDirect = await later(erin, direct.id, 'blocked?');
    const sealedForGroup = await later(frank, group.id, 'still here?');

    expect((await frank.client.put(`/api/users/${erin.id}/block`)).status).toBe(200);
    const blocked = await erin.client.post('/api/scheduled-messages', sealedForDirect);
    expect(blocked.status).toBe(403);
    expect(blocked.body).toMatchObject({ error: { code: 'recipient_unavailable' } });
    expect((await frank.client.delete(`/api/users/${erin.id}/block`)).status).toBe(200);

    expect((await frank.client.post(`/api/conversations/${group.id}/leave`)).status).toBe(200);
    const left = await frank.client.post('/api/scheduled-messages', sealedForGroup);
    expect(left.status).toBe(404);

    expect((await erin.client.delete(`/api/conversations/${direct.id}`)).status).toBe(200);
    const chats = async () => (await erin.client.get<Conversation[]>('/api/conversations')).body.data.map((c) => c.id);
    expect(await chats()).not.toContain(direct.id);
    const back = await erin.client.post<ScheduledMessage>('/api/scheduled-messages', sealedForDirect);
    expect(back.status).toBe(201);
    expect(back.body.data).toMatchObject({ conversationId: direct.id, receiverId: frank.id });
    expect(await chats()).toContain(direct.id);
  });

  it('stops concurrent creations exactly at the pending limit', async () => {
    const [carol, dave] = await Promise.all([registerUser(t.app), registerUser(t.app)]);
    const chat = await directChat(carol, dave);
    const bodies = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        sealScheduledBody(carol, { conversationId: chat.id, content: `race ${i}`, scheduledTime: inMs(t, 60_000 + i) }),
      ),
    );
    const answers = await Promise.all(bodies.map((b) => carol.client.post('/api/scheduled-messages', b)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([...Array<number>(4).fill(201), ...Array<number>(8).fill(429)]);
    const list = await carol.client.get<ScheduledMessage[]>('/api/scheduled-messages');
    expect(list.body.data.filter((m) => m.status === 'pending')).toHaveLength(4);
  });
});
