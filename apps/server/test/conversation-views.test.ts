import type { Conversation } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Tx } from '../src/db/db.js';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { groupChat, sendText } from './helpers/chat.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import type { TestSocket } from './helpers/socket.js';

/**
 * Issue 10: renaming a group used to build one view per member (about eleven queries each: some
 * 2,800 for 256 members). The views are now built for all members at once, so the number of
 * queries a rename costs does not depend on the group's size, and each member still gets their
 * own view (role, unread count, pending scheduled count, presence as they may see it).
 */

/** The app's database, counting every statement sent through it (transactions included). */
function countingDb(db: Db): { db: Db; count: () => number; reset: () => void } {
  let n = 0;
  const countedTx = (tx: Tx): Tx => ({
    query: (sql, params, options) => {
      n++;
      return tx.query(sql, params, options);
    },
    savepoint: (fn) => tx.savepoint((inner) => fn(countedTx(inner))),
  });
  const counted = new Proxy(db, {
    get(target, key) {
      if (key === 'query') {
        return (...args: Parameters<Db['query']>) => {
          n++;
          return target.query(...args);
        };
      }
      if (key === 'transaction') {
        return <T>(fn: (tx: Tx) => Promise<T>) => target.transaction((tx) => fn(countedTx(tx)));
      }
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: counted, count: () => n, reset: () => (n = 0) };
}

let testDb: TestDb;
let counter: ReturnType<typeof countingDb>;
let t: ListeningTestApp;

beforeAll(async () => {
  testDb = await createTestDb();
  counter = countingDb(testDb.db);
  t = await createListeningApp({ testDb: { ...testDb, db: counter.db } });
});
afterAll(async () => {
  t.closeSockets();
  await t.close();
  await testDb.drop();
});

/** The statements one rename costs, from the request to the last member's event. */
async function renameCost(owner: TestUser, conversationId: string, title: string): Promise<number> {
  // The first request of a session reads it (and may start the session cache's LISTEN): not part
  // of a rename's cost.
  expect((await owner.client.get('/api/auth/me')).status).toBe(200);
  counter.reset();
  const res = await owner.client.patch<Conversation>(`/api/conversations/${conversationId}`, { title });
  expect(res.status).toBe(200);
  return counter.count();
}

async function scheduleRaw(sender: TestUser, conversationId: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await testDb.db.query(
      `INSERT INTO scheduled_messages (conversation_id, sender_id, content, content_type, scheduled_time, due_at,
         created_at, updated_at)
       VALUES ($1, $2, 'opaque', 'text', now() + interval '1 day', now() + interval '1 day', now(), now())`,
      [conversationId, sender.id],
    );
  }
}

describe('conversation views for every member, set-based', () => {
  it('costs the same number of queries to rename a 3-member and a 50-member group', async () => {
    const small = await Promise.all([0, 1, 2].map(() => registerUser(t.app)));
    const smallGroup = await groupChat(small[0]!, 'Small', small.slice(1));
    const large = await Promise.all(Array.from({ length: 50 }, () => registerUser(t.app)));
    const largeGroup = await groupChat(large[0]!, 'Large', large.slice(1));

    const smallCost = await renameCost(small[0]!, smallGroup.id, 'Small, renamed');
    const largeCost = await renameCost(large[0]!, largeGroup.id, 'Large, renamed');
    expect(largeCost).toBe(smallCost);
    // 22 today: the rename, its timeline event line (lock and insert) and the views, group
    // pictures included; the bound catches a per-member query, not a new constant one.
    expect(largeCost).toBeLessThanOrEqual(24);
  });

  it('sends each of 50 members exactly their own view', async () => {
    const [owner, admin, alice, bob, carol, dave, ...rest] = await Promise.all(
      Array.from({ length: 50 }, () => registerUser(t.app)),
    );
    const members = [admin!, alice!, bob!, carol!, dave!, ...rest];
    const group = await groupChat(owner!, 'Views', members);
    expect(
      (await owner!.client.patch(`/api/conversations/${group.id}/members/${admin!.id}`, { role: 'admin' })).status,
    ).toBe(200);
    await sendText(owner!, group.id, 'hello everyone');
    await scheduleRaw(alice!, group.id, 1);
    await scheduleRaw(bob!, group.id, 2);
    expect((await carol!.client.put(`/api/users/${dave!.id}/block`)).status).toBe(200);
    const everyone = [owner!, ...members];
    const sockets = new Map<string, TestSocket>();
    for (const user of everyone) sockets.set(user.id, await t.connect(user.client.cookie));

    const res = await owner!.client.patch<Conversation>(`/api/conversations/${group.id}`, { title: 'Renamed' });
    expect(res.status).toBe(200);

    for (const user of everyone) {
      const socket = sockets.get(user.id)!;
      const view = await socket.next('conversation_updated', (c) => c.id === group.id && c.title === 'Renamed');
      // Their own view: the same as what they read themselves.
      const mine = await user.client.get<Conversation>(`/api/conversations/${group.id}`);
      expect(view).toEqual(mine.body.data);
      expect(view.myRole).toBe(user === owner ? 'owner' : user === admin ? 'admin' : 'member');
      expect(view.unreadCount).toBe(user === owner ? 0 : 1);
      expect(view.scheduledPendingCount).toBe(user === alice ? 1 : user === bob ? 2 : 0);
      expect(view.members).toHaveLength(50);
      expect(view.lastMessage?.senderId).toBe(owner!.id);
      // Presence as this member may see it: a block hides it both ways, and only there.
      const shown = (id: string) => view.members.find((m) => m.user.id === id)!.user.online;
      expect(shown(dave!.id)).toBe(user !== carol);
      expect(shown(carol!.id)).toBe(user !== dave);
      expect(shown(owner!.id)).toBe(true);
      // Exactly one such event each.
      expect(socket.all('conversation_updated').filter((c) => c.title === 'Renamed')).toHaveLength(1);
    }
  });
});
