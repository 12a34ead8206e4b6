import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HELD_ROW_RETRY_MS } from '../src/delivery/held-conversations.js';
import type { DispatchEventMap, DispatchEventName, Dispatcher } from '../src/delivery/index.js';
import { createListeningApp, createTestApp, type ListeningTestApp } from './helpers/app.js';
import { directChat, groupChat } from './helpers/chat.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { onPostgres } from './helpers/db.js';
import { getScheduled, schedule } from './helpers/scheduling.js';

/**
 * One stuck transaction must not stall every delivery (the chaos run's idle-in-transaction
 * scenario: a connection holding two chats' rows FOR UPDATE made every scheduled message due
 * meanwhile 10-19 s late, since a batch waited for the conversations' locks in writeMessages).
 * A batch now takes its conversations' locks with SKIP LOCKED and leaves the rows of a held one
 * pending for the next pass. Real PostgreSQL (an outside connection holds the lock), the fake
 * clock (the dispatcher's retry timers fire when the test moves it) and dispatcher events.
 */

/** The safety-net poll, long here: whatever the loop does before it is its timers' doing. */
const POLL_MS = 600_000;
/** The dispatcher tries held rows again this much later. */
const RETRY_MS = HELD_ROW_RETRY_MS;

let t: ListeningTestApp;
/** An outside connection, as the chaos run's, holding a conversation's row lock in a transaction. */
let outside: pg.Client | undefined;

/** Begins a transaction on its own connection that locks `conversationId` FOR UPDATE and stays idle. */
async function holdConversation(conversationId: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: t.testDb.url });
  await client.connect();
  outside = client;
  await client.query('BEGIN');
  await client.query('SELECT id FROM conversations WHERE id = $1 FOR UPDATE', [conversationId]);
  return client;
}

async function messagesOf(scheduledId: string): Promise<number> {
  const { rows } = await t.db.query('SELECT 1 FROM messages WHERE scheduled_message_id = $1', [scheduledId]);
  return rows.length;
}

async function batchRecords(): Promise<number> {
  return (await t.db.query('SELECT 1 FROM scheduled_delivery_batches')).rows.length;
}

const next = <E extends DispatchEventName>(
  dispatcher: Dispatcher,
  event: E,
  accept?: (payload: DispatchEventMap[E]) => boolean,
) => dispatcher.events.next(event, accept);
/** The next `event` whose ids include every one of `ids` (subscribe before causing it). */
const nextWithAll = <E extends 'claimed' | 'delivered' | 'held'>(
  dispatcher: Dispatcher,
  event: E,
  ids: readonly string[],
) => next(dispatcher, event, (p) => ids.every((id) => p.ids.includes(id)));

/** Starts the loop and waits for its first pass to end (nothing due: armed for the poll). */
async function startIdle(dispatcher: Dispatcher): Promise<void> {
  const idle = next(dispatcher, 'idle');
  await dispatcher.start();
  await idle;
}

/** Alice, with a group (bob, carol) whose lock will be held, and direct chats with bob and carol. */
async function chats() {
  const [alice, bob, carol] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
  const group = await groupChat(alice, 'Busy', [bob, carol]);
  const withBob = await directChat(alice, bob);
  const withCarol = await directChat(alice, carol);
  return { alice, bob, carol, group: group.id, others: [withBob.id, withCarol.id] };
}

const at = (ms: number) => new Date(ms).toISOString();
const scheduleAt = (user: TestUser, conversationId: string, content: string, dueMs: number) =>
  schedule(user, { conversationId, content, scheduledTime: at(dueMs) });

describe.runIf(onPostgres())('a conversation held by another transaction (PostgreSQL)', () => {
  beforeAll(async () => {
    t = await createListeningApp({ env: { DISPATCHER_POLL_SECONDS: String(POLL_MS / 1000) } });
  });
  afterEach(async () => {
    await outside?.query('ROLLBACK').catch(() => {});
    await outside?.end();
    outside = undefined;
    await t.app.herald.dispatcher.stop();
    t.closeSockets();
  });
  afterAll(async () => {
    await t.close();
  });

  it('a due batch delivers the other conversations at once, and the held one once the hold ends, each exactly once', async () => {
    const dispatcher = t.app.herald.dispatcher;
    const { alice, bob, group, others } = await chats();
    const bobSocket = await t.connect(bob.client.cookie);
    await startIdle(dispatcher);
    const dueMs = t.clock.now().getTime() + 60_000;
    const heldRows = [
      await scheduleAt(alice, group, 'held 1', dueMs),
      await scheduleAt(alice, group, 'held 2', dueMs),
    ].map((s): string => s.id);
    const freeRows = [
      await scheduleAt(alice, others[0]!, 'free 1', dueMs),
      await scheduleAt(alice, others[1]!, 'free 2', dueMs),
    ].map((s): string => s.id);
    const holder = await holdConversation(group);

    // The timer fires: one batch covers all four rows; the free ones are delivered while the
    // outside transaction still holds the group (before the fix, the batch waited for it).
    const claimed = nextWithAll(dispatcher, 'claimed', [...heldRows, ...freeRows]);
    const delivered = nextWithAll(dispatcher, 'delivered', freeRows);
    const held = nextWithAll(dispatcher, 'held', heldRows);
    const retryArmed = next(dispatcher, 'idle', (p) => p.nextWakeAt.getTime() === dueMs + RETRY_MS);
    t.clock.set(dueMs);
    expect((await claimed).kind).toBe('fresh');
    expect((await delivered).ids.filter((id) => heldRows.includes(id))).toEqual([]);
    await held;
    await retryArmed;
    for (const id of freeRows) expect(await messagesOf(id)).toBe(1);
    for (const id of heldRows) {
      expect(await messagesOf(id)).toBe(0);
      expect(await getScheduled(alice, id)).toMatchObject({ status: 'pending', retryCount: 0 });
    }
    // The batch's in-flight record went with its commit: the held rows are no crash suspects.
    expect(await batchRecords()).toBe(0);

    // Still held 50 ms later: tried again, left again, and the retry armed again.
    const heldAgain = nextWithAll(dispatcher, 'held', heldRows);
    const armedAgain = next(dispatcher, 'idle', (p) => p.nextWakeAt.getTime() === dueMs + 2 * RETRY_MS);
    t.clock.advance(RETRY_MS);
    await heldAgain;
    await armedAgain;
    for (const id of heldRows) expect(await messagesOf(id)).toBe(0);

    // The outside transaction ends: the next retry delivers them.
    await holder.query('ROLLBACK');
    const deliveredHeld = nextWithAll(dispatcher, 'delivered', heldRows);
    t.clock.advance(RETRY_MS);
    await deliveredHeld;

    for (const id of [...heldRows, ...freeRows]) {
      expect(await messagesOf(id)).toBe(1);
      expect(await getScheduled(alice, id)).toMatchObject({ status: 'sent', retryCount: 0 });
    }
    expect(await batchRecords()).toBe(0);
    expect(await dispatcher.runOnce()).toBe(0);
    // Exactly once over the socket too (bob is in the group and in the first direct chat).
    const bobs = [...heldRows, freeRows[0]!];
    for (const id of bobs) await bobSocket.next('receive_message', (m) => m.scheduledMessageId === id);
    const received = bobSocket.all('receive_message').map((m) => m.scheduledMessageId);
    for (const id of bobs) expect(received.filter((r) => r === id)).toHaveLength(1);
  });

  it('held rows filling whole batches do not hold back the rest: the next pick leaves them out', async () => {
    // Batches of two: the two held rows, due first, fill a batch on their own.
    const other = await createTestApp({
      testDb: t.testDb,
      clock: t.clock,
      env: { DISPATCHER_POLL_SECONDS: String(POLL_MS / 1000), DISPATCHER_BATCH_SIZE: '2', DISPATCHER_CONCURRENCY: '1' },
    });
    const dispatcher = other.app.herald.dispatcher;
    try {
      const { alice, group, others } = await chats();
      await startIdle(dispatcher);
      const dueMs = t.clock.now().getTime() + 60_000;
      const heldRows = [
        await scheduleAt(alice, group, 'held 1', dueMs),
        await scheduleAt(alice, group, 'held 2', dueMs),
      ].map((s): string => s.id);
      const freeRows = [
        await scheduleAt(alice, others[0]!, 'free 1', dueMs + 1),
        await scheduleAt(alice, others[1]!, 'free 2', dueMs + 2),
      ].map((s): string => s.id);
      const holder = await holdConversation(group);

      const held = nextWithAll(dispatcher, 'held', heldRows);
      const delivered = nextWithAll(dispatcher, 'delivered', freeRows);
      const retryArmed = next(dispatcher, 'idle', (p) => p.nextWakeAt.getTime() === dueMs + 2 + RETRY_MS);
      t.clock.set(dueMs + 2);
      await held;
      await delivered;
      await retryArmed;
      for (const id of heldRows) expect(await messagesOf(id)).toBe(0);

      await holder.query('ROLLBACK');
      const deliveredHeld = nextWithAll(dispatcher, 'delivered', heldRows);
      t.clock.advance(RETRY_MS);
      await deliveredHeld;
      for (const id of [...heldRows, ...freeRows]) expect(await messagesOf(id)).toBe(1);
      expect(await batchRecords()).toBe(0);
    } finally {
      await dispatcher.stop();
      await other.close();
    }
  });
});
