import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchEventMap, DispatchEventName, WriteMessages } from '../src/delivery/index.js';
import { writeMessages } from '../src/modules/messages/index.js';
import { createListeningApp, createTestApp, type ListeningTestApp } from './helpers/app.js';
import { sealText } from './helpers/chat.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { onPostgres } from './helpers/db.js';
import { getScheduled, inMs, schedule } from './helpers/scheduling.js';

/**
 * The dispatcher's timer loop, driven by the fake clock (its timers fire when the test moves the
 * clock) and observed through its typed events: no sleeps, no polling of the database.
 */

/** Scheduled ids whose write throws a transient (connection) error, injected as a dependency. */
const failing = new Set<string>();
let faultyWrites = 0;
const faultyWrite: WriteMessages = async (tx, batch, now) => {
  if (batch.some((m) => m.scheduledMessageId && failing.has(m.scheduledMessageId))) {
    faultyWrites += 1;
    throw Object.assign(new Error('connection terminated unexpectedly'), { code: '08006' });
  }
  return writeMessages(tx, batch, now);
};

/** The safety-net poll, long here: whatever the loop does before it is its timers' doing. */
const POLL_MS = 600_000;

let t: ListeningTestApp;
beforeAll(async () => {
  t = await createListeningApp({
    env: { DISPATCHER_POLL_SECONDS: String(POLL_MS / 1000) },
    deps: { writeScheduled: faultyWrite },
  });
});
afterEach(async () => {
  await t.app.herald.dispatcher.stop();
  t.closeSockets();
  failing.clear();
});
afterAll(async () => {
  await t.close();
});

const dispatcher = () => t.app.herald.dispatcher;
const pair = async () => [await registerUser(t.app), await registerUser(t.app)] as const;
const connect = (user: TestUser) => t.connect(user.client.cookie);

/** The next `event` concerning `id` (subscribe before causing it). */
const nextFor = <E extends 'claimed' | 'delivered' | 'failed' | 'retrying'>(event: E, id: string) =>
  dispatcher().events.next(event, (p) => p.ids.includes(id));
const next = <E extends DispatchEventName>(event: E, accept?: (payload: DispatchEventMap[E]) => boolean) =>
  dispatcher().events.next(event, accept);

/** Starts the loop and waits for its first pass to end (nothing due: armed for the poll). */
async function startIdle(): Promise<void> {
  const idle = next('idle');
  await dispatcher().start();
  await idle;
}

async function messagesOf(scheduledId: string): Promise<number> {
  const { rows } = await t.db.query('SELECT 1 FROM messages WHERE scheduled_message_id = $1', [scheduledId]);
  return rows.length;
}

async function metric(name: string): Promise<number> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  const line = res.body.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

describe('retry backoff, on the timer loop', () => {
  it('retries a row whose write fails one minute later, at most 3 times, then fails it with delivery_error', async () => {
    const [alice, bob] = await pair();
    const socket = await connect(alice);
    await startIdle();
    const s = await schedule(alice, { receiverId: bob.id, content: 'flaky forever', scheduledTime: inMs(t, 60_000) });
    failing.add(s.id);
    faultyWrites = 0;
    let dueAt = new Date(s.scheduledTime).getTime();
    for (let attempt = 1; attempt <= 3; attempt++) {
      const retrying = nextFor('retrying', s.id);
      // Then armed for the retry, one minute later (sooner than the poll).
      const armed = next('idle', (p) => p.nextWakeAt.getTime() === dueAt + 60_000);
      t.clock.set(dueAt); // the armed timer (the row's due time, then each retry's) fires
      await retrying;
      expect(faultyWrites).toBe(attempt);
      const event = await socket.next('scheduled_message_retrying', (e) => e.attempt === attempt);
      expect(event).toMatchObject({ scheduledMessageId: s.id, maxRetries: 3 });
      expect(new Date(event.nextAttemptAt).getTime()).toBe(dueAt + 60_000);
      await armed;
      expect(dispatcher().nextWakeAt?.getTime()).toBe(dueAt + 60_000);
      expect(await getScheduled(alice, s.id)).toMatchObject({ status: 'pending', retryCount: attempt });
      dueAt += 60_000;
    }
    const failed = nextFor('failed', s.id);
    t.clock.set(dueAt);
    await failed;
    expect(await getScheduled(alice, s.id)).toMatchObject({
      status: 'failed',
      failureCode: 'delivery_error',
      retryCount: 3,
    });
    expect((await socket.next('scheduled_message_failed')).code).toBe('delivery_error');
    // Four attempts in all: the first and three retries; no message was written.
    expect(faultyWrites).toBe(4);
    expect(await messagesOf(s.id)).toBe(0);
  });
});

describe('abandoned batches', () => {
  it("rediscovers a dead process's in-flight batch while idle and delivers its row exactly once", async () => {
    const [alice, bob] = await pair();
    const bobSocket = await connect(bob);
    await startIdle();
    const s = await schedule(alice, { receiverId: bob.id, content: 'orphan', scheduledTime: inMs(t, 60_000) });
    const innocent = await schedule(alice, { receiverId: bob.id, content: 'fresh', scheduledTime: inMs(t, 60_000) });
    // Another process picked the row and recorded its batch, then died before delivering it.
    await t.db.query(
      'INSERT INTO scheduled_delivery_batches (id, scheduled_ids, claimed_at) VALUES (gen_random_uuid(), $1, $2)',
      [[s.id], t.clock.now()],
    );
    const fresh = nextFor('delivered', innocent.id);
    const suspect = nextFor('claimed', s.id);
    const delivered = nextFor('delivered', s.id);
    // The timer (armed for their due time) fires: the fresh row goes in a batch; the recorded one
    // is left out of it, and the outlook that follows finds the stale record: a suspects pass.
    t.clock.advance(60_000);
    await fresh;
    expect((await suspect).kind).toBe('suspect');
    await delivered;
    expect(await messagesOf(s.id)).toBe(1);
    const received = await bobSocket.next('receive_message', (m) => m.scheduledMessageId === s.id);
    expect(received.senderId).toBe(alice.id);
    expect((await getScheduled(alice, s.id)).status).toBe('sent');
    const { rows } = await t.db.query('SELECT 1 FROM scheduled_delivery_batches');
    expect(rows).toEqual([]);
    // Nothing left to deliver, and never a second copy.
    expect(await dispatcher().runOnce()).toBe(0);
    expect(await messagesOf(s.id)).toBe(1);
    expect(bobSocket.all('receive_message').filter((m) => m.scheduledMessageId === s.id)).toHaveLength(1);
  });
});

describe('abandoned batches, two live dispatchers', () => {
  it('both rediscover the same abandoned batch; its row is delivered once', async () => {
    const other = await createTestApp({
      testDb: t.testDb,
      clock: t.clock,
      env: { DISPATCHER_POLL_SECONDS: String(POLL_MS / 1000) },
    });
    const second = other.app.herald.dispatcher;
    try {
      const [alice, bob] = await pair();
      await startIdle();
      const secondIdle = second.events.next('idle');
      await second.start();
      await secondIdle;
      const s = await schedule(alice, { receiverId: bob.id, content: 'once only', scheduledTime: inMs(t, 60_000) });
      await t.db.query(
        'INSERT INTO scheduled_delivery_batches (id, scheduled_ids, claimed_at) VALUES (gen_random_uuid(), $1, $2)',
        [[s.id], t.clock.now()],
      );
      // Each goes idle once nothing is left for it: after its suspects pass, or at once when the
      // other one has already delivered the row and struck the record.
      const done = Promise.all([next('idle'), second.events.next('idle')]);
      const delivered = Promise.race([
        nextFor('delivered', s.id),
        second.events.next('delivered', (p) => p.ids.includes(s.id)),
      ]);
      t.clock.advance(60_000);
      await delivered;
      await done;
      expect(await messagesOf(s.id)).toBe(1);
      expect((await getScheduled(alice, s.id)).status).toBe('sent');
      const { rows } = await t.db.query('SELECT 1 FROM scheduled_delivery_batches');
      expect(rows).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe('one event per fact', () => {
  it('the sender gets scheduled_message_sent (with the message) and no receive_message; recipients receive_message', async () => {
    const [alice, bob] = await pair();
    const [aliceSocket, bobSocket] = [await connect(alice), await connect(bob)];
    await startIdle();
    const s = await schedule(alice, { receiverId: bob.id, content: 'once', scheduledTime: inMs(t, 60_000) });
    const delivered = nextFor('delivered', s.id);
    t.clock.advance(60_000);
    await delivered;
    const sent = await aliceSocket.next('scheduled_message_sent', (e) => e.scheduledMessageId === s.id);
    const received = await bobSocket.next('receive_message', (m) => m.scheduledMessageId === s.id);
    expect(sent.message).toEqual(received);
    // A live message after it: by the time it arrives, anything about the scheduled one has too.
    const chat = s.conversationId;
    const live = await bob.client.post<{ id: string }>(`/api/conversations/${chat}/messages`, {
      content: await sealText(bob, chat, 'sentinel'),
    });
    await aliceSocket.next('receive_message', (m) => m.id === live.body.data.id);
    expect(aliceSocket.all('receive_message').some((m) => m.scheduledMessageId === s.id)).toBe(false);
  });
});

describe.runIf(onPostgres())('LISTEN that heals (PostgreSQL)', () => {
  it('listens again after its connection is killed, counts it, catches up, and is woken by NOTIFY again', async () => {
    const [alice, bob] = await pair();
    await startIdle();
    const lostBefore = await metric('herald_dispatcher_listen_lost_total');
    const restoredBefore = await metric('herald_dispatcher_listen_restored_total');

    // A row that came due while the process could not hear: its NOTIFY is never heard (here:
    // moved to now by SQL, which sends none). Only a catch-up pass can find it before the poll.
    const missed = await schedule(alice, { receiverId: bob.id, content: 'missed', scheduledTime: inMs(t, 60_000) });
    await t.db.query('UPDATE scheduled_messages SET due_at = $2, scheduled_time = $2 WHERE id = $1', [
      missed.id,
      t.clock.now(),
    ]);

    const lost = next('listen-lost');
    const restored = next('listen-restored');
    const caughtUp = nextFor('delivered', missed.id);
    const { rows } = await t.db.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    );
    expect(rows).toHaveLength(1);
    await t.db.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await lost;
    await restored;
    // The clock has not moved: no timer fired; the catch-up pass after listening again found it.
    await caughtUp;
    expect(await messagesOf(missed.id)).toBe(1);
    expect(await metric('herald_dispatcher_listen_lost_total')).toBe(lostBefore + 1);
    expect(await metric('herald_dispatcher_listen_restored_total')).toBe(restoredBefore + 1);

    // Listening again: a row scheduled now wakes it through NOTIFY, long before the poll.
    const pollAt = t.clock.now().getTime() + POLL_MS;
    const soon = inMs(t, 15_000);
    const woken = next('woken', (p) => p.dueAt?.toISOString() === soon);
    const s = await schedule(alice, { receiverId: bob.id, content: 'heard', scheduledTime: soon });
    await woken;
    expect(dispatcher().nextWakeAt?.toISOString()).toBe(s.scheduledTime);
    expect(new Date(s.scheduledTime).getTime()).toBeLessThan(pollAt);
    const delivered = nextFor('delivered', s.id);
    t.clock.set(s.scheduledTime);
    await delivered;
    expect((await getScheduled(alice, s.id)).status).toBe('sent');
  });
});
