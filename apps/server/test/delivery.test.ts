import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Conversation, Message, MessagePage, ScheduledMessage } from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeMessages } from '../src/modules/messages/index.js';
import type { WriteMessages } from '../src/delivery/index.js';
import { createListeningApp, createTestApp, type ListeningTestApp } from './helpers/app.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { directChat, groupChat, sealText, sendText } from './helpers/chat.js';
import { openText } from './helpers/e2ee.js';
import { uploadSealed } from './helpers/media.js';
import { getScheduled, inMs, schedule } from './helpers/scheduling.js';
import type { TestSocket } from './helpers/socket.js';

/**
 * A transient fault, injected through the app's write dependency (not a flag in production code):
 * writing any message of a scheduled message in `failing` throws a connection error.
 */
const failing = new Set<string>();
let faultyWrites = 0;
/** When set, a scheduled write waits for it while its delivery holds the rows' locks. */
let writeGate: Promise<void> | undefined;
let writesAtGate = 0;
const faultyWrite: WriteMessages = async (tx, batch, now) => {
  if (writeGate) {
    writesAtGate += 1;
    await writeGate;
  }
  if (batch.some((m) => m.scheduledMessageId && failing.has(m.scheduledMessageId))) {
    faultyWrites += 1;
    throw Object.assign(new Error('connection terminated unexpectedly'), { code: '08006' });
  }
  return writeMessages(tx, batch, now);
};

let t: ListeningTestApp;
beforeAll(async () => {
  t = await createListeningApp({ deps: { writeScheduled: faultyWrite } });
});
afterEach(() => {
  t.closeSockets();
  failing.clear();
});
afterAll(async () => {
  await t.close();
});

const connect = (user: TestUser) => t.connect(user.client.cookie);
const deliverDue = () => t.app.herald.dispatcher.runOnce();
const pair = async () => [await registerUser(t.app), await registerUser(t.app)] as const;

describe('on time, exactly once', () => {
  it('delivers at the due time and not a millisecond before, while the sender is offline', async () => {
    const [alice, bob] = await pair();
    const bobSocket = await connect(bob);
    const s = await schedule(alice, { receiverId: bob.id, content: 'on the dot', scheduledTime: inMs(t, 60_000) });
    const senderSocket = await connect(alice);
    senderSocket.close(); // the sender goes offline
    t.clock.advance(59_999);
    expect(await deliverDue()).toBe(0);
    expect((await getScheduled(alice, s.id)).status).toBe('pending');
    t.clock.advance(1);
    expect(await deliverDue()).toBe(1);
    const received = await bobSocket.next('receive_message', (m) => m.scheduledMessageId === s.id);
    expect(await openText(bob, received)).toBe('on the dot');
    expect(received).toMatchObject({
      content: s.content,
      senderId: alice.id,
      scheduledTime: s.scheduledTime,
      createdAt: t.clock.now().toISOString(),
    });
    const after = await getScheduled(alice, s.id);
    expect(after).toMatchObject({ status: 'sent', messageId: received.id, sentAt: t.clock.now().toISOString() });
    // Nothing more to do; a second pass delivers nothing twice.
    expect(await deliverDue()).toBe(0);
    const page = await bob.client.get<MessagePage>(`/api/conversations/${s.conversationId}/messages`);
    expect(page.body.data.messages.map((m) => m.id)).toEqual([received.id]);
    const chats = await bob.client.get<Conversation[]>('/api/conversations');
    expect(chats.body.data.find((c) => c.id === s.conversationId)).toMatchObject({
      unreadCount: 1,
      lastMessage: { id: received.id },
    });
  });

  it("announces created, updated, cancelled and sent to all of the sender's devices", async () => {
    const [alice, bob] = await pair();
    const [laptop, phone] = [await connect(alice), await connect(alice)];
    const s = await schedule(alice, { receiverId: bob.id, content: 'v1', scheduledTime: inMs(t, 60_000) });
    for (const d of [laptop, phone]) expect((await d.next('scheduled_message_created')).id).toBe(s.id);
    const v2 = await sealText(alice, s.conversationId, 'v2');
    await alice.client.put(`/api/scheduled-messages/${s.id}`, { content: v2 });
    for (const d of [laptop, phone]) expect((await d.next('scheduled_message_updated')).content).toBe(v2);
    t.clock.advance(60_000);
    await deliverDue();
    for (const d of [laptop, phone]) {
      const sent = await d.next('scheduled_message_sent');
      expect(sent).toMatchObject({
        scheduledMessageId: s.id,
        message: { content: v2 },
        scheduledMessage: { status: 'sent' },
      });
      expect(await openText(alice, sent.message)).toBe('v2');
    }
    const other = await schedule(alice, { receiverId: bob.id, content: 'no', scheduledTime: inMs(t, 60_000) });
    await alice.client.delete(`/api/scheduled-messages/${other.id}`);
    expect((await phone.next('scheduled_message_cancelled')).status).toBe('cancelled');
  });

  it('delivers a group message to the members at delivery time', async () => {
    const [alice, bob] = await pair();
    const [carol, dave] = await pair();
    const group = await groupChat(alice, 'Later', [bob, carol]);
    const s = await schedule(alice, {
      conversationId: group.id,
      content: 'to whoever is here',
      scheduledTime: inMs(t, 60_000),
    });
    await alice.client.delete(`/api/conversations/${group.id}/members/${carol.id}`);
    await alice.client.post(`/api/conversations/${group.id}/members`, { userIds: [dave.id] });
    const [bobS, carolS, daveS] = [await connect(bob), await connect(carol), await connect(dave)];
    t.clock.advance(60_000);
    await deliverDue();
    for (const socket of [bobS, daveS]) await socket.next('receive_message', (m) => m.scheduledMessageId === s.id);
    expect(
      await openText(
        bob,
        bobS.all('receive_message').find((m) => m.scheduledMessageId === s.id)!,
      ),
    ).toBe('to whoever is here');
    const sentinelChat = await directChat(bob, carol);
    const sentinel = await sendText(bob, sentinelChat.id, 'sentinel');
    await carolS.next('receive_message', (m) => m.id === sentinel.id);
    expect(carolS.all('receive_message').some((m) => m.scheduledMessageId === s.id)).toBe(false);
    const delivered = await bob.client.get<MessagePage>(`/api/conversations/${group.id}/messages`);
    expect(delivered.body.data.messages[0]!.receipts.map((r) => r.userId).sort()).toEqual([bob.id, dave.id].sort());
  });

  it('starts temporary-mode expiry and one-time-media timers at delivery, not at scheduling', async () => {
    const [alice, bob] = await pair();
    const chat = await directChat(alice, bob);
    await alice.client.patch(`/api/conversations/${chat.id}`, { temporaryTtlSeconds: 3600 });
    const { media, sealed } = await uploadSealed(alice);
    const s = await schedule(
      alice,
      {
        conversationId: chat.id,
        content: '',
        mediaId: media.id,
        isOneTimeMedia: true,
        mediaExpiryDuration: 600,
        scheduledTime: inMs(t, 2 * 3_600_000),
      },
      { kind: 'image', media: sealed.media },
    );
    t.clock.advance(2 * 3_600_000);
    await deliverDue();
    const sent = await getScheduled(alice, s.id);
    const page = await bob.client.get<MessagePage>(`/api/conversations/${chat.id}/messages`);
    const message = page.body.data.messages.find((m) => m.id === sent.messageId)!;
    const deliveredAt = new Date(message.createdAt).getTime();
    expect(deliveredAt).toBe(t.clock.now().getTime());
    expect(new Date(message.expiresAt!).getTime() - deliveredAt).toBe(3_600_000);
    expect(new Date(message.mediaExpiresAt!).getTime() - deliveredAt).toBe(600_000);
    expect((await bob.client.request({ method: 'GET', url: `/api/media/${media.id}` })).status).toBe(200);
  });
});

describe('failures the sender can read', () => {
  async function expectFailed(alice: TestUser, id: string, code: string, socket?: TestSocket) {
    const s = await getScheduled(alice, id);
    expect(s).toMatchObject({ status: 'failed', failureCode: code });
    expect(s.failureReason).toEqual(expect.any(String));
    if (socket) {
      const event = await socket.next('scheduled_message_failed', (e) => e.scheduledMessageId === id);
      expect(event).toMatchObject({ code, reason: s.failureReason });
    }
    return s;
  }

  it('conversation_deleted: the sender deletes the chat before the due time (fails at once)', async () => {
    const [alice, bob] = await pair();
    const socket = await connect(alice);
    const s = await schedule(alice, { receiverId: bob.id, content: 'x', scheduledTime: inMs(t, 3_600_000) });
    await alice.client.delete(`/api/conversations/${s.conversationId}`);
    const failed = await expectFailed(alice, s.id, 'conversation_deleted', socket);
    expect(failed.failureReason).toBe('You deleted this chat before the message was due.');
    t.clock.advance(3_600_000);
    await deliverDue();
    expect(
      (await bob.client.get<MessagePage>(`/api/conversations/${s.conversationId}/messages`)).body.data.messages,
    ).toEqual([]);
  });

  it('scheduling again into a chat deleted earlier brings it back and delivers', async () => {
    const [alice, bob] = await pair();
    const chat = await directChat(alice, bob);
    await alice.client.delete(`/api/conversations/${chat.id}`);
    t.clock.advance(1000);
    // Sealed for the chat by id: opening it again (POST /api/conversations/direct) would un-delete
    // it by itself, and this test is about scheduling doing so.
    const content = await sealText(alice, chat.id, 'back again');
    const s = await schedule(alice, { receiverId: bob.id, content, scheduledTime: inMs(t, 60_000) });
    expect(s.conversationId).toBe(chat.id);
    const mine = await alice.client.get<Conversation[]>('/api/conversations');
    expect(mine.body.data.map((c) => c.id)).toContain(chat.id);
    t.clock.advance(60_000);
    await deliverDue();
    expect((await getScheduled(alice, s.id)).status).toBe('sent');
  });

  it('sender_not_member: the sender leaves, or is removed from, the group (fails at once)', async () => {
    const [alice, bob] = await pair();
    const carol = await registerUser(t.app);
    const g1 = await groupChat(bob, 'Left', [alice]);
    const g2 = await groupChat(bob, 'Removed', [alice, carol]);
    const socket = await connect(alice);
    const s1 = await schedule(alice, { conversationId: g1.id, content: 'x', scheduledTime: inMs(t, 60_000) });
    const s2 = await schedule(alice, { conversationId: g2.id, content: 'y', scheduledTime: inMs(t, 60_000) });
    const other = await schedule(carol, {
      conversationId: g2.id,
      content: 'carol stays',
      scheduledTime: inMs(t, 60_000),
    });
    await alice.client.post(`/api/conversations/${g1.id}/leave`);
    await bob.client.delete(`/api/conversations/${g2.id}/members/${alice.id}`);
    await expectFailed(alice, s1.id, 'sender_not_member', socket);
    await expectFailed(alice, s2.id, 'sender_not_member', socket);
    expect((await getScheduled(carol, other.id)).status).toBe('pending');
  });

  it('recipient_unavailable: the receiver blocks the sender (at the due time, worded without revealing the block)', async () => {
    const [alice, bob] = await pair();
    const socket = await connect(alice);
    const s = await schedule(alice, { receiverId: bob.id, content: 'x', scheduledTime: inMs(t, 60_000) });
    await bob.client.put(`/api/users/${alice.id}/block`);
    // Nothing is revealed at block time...
    expect((await getScheduled(alice, s.id)).status).toBe('pending');
    t.clock.advance(60_000);
    await deliverDue();
    const failed = await expectFailed(alice, s.id, 'recipient_unavailable', socket);
    expect(failed.failureReason).toBe('This person cannot receive your messages.');
    expect(failed.failureReason).not.toMatch(/block/i);
  });

  it('sender_deleted and receiver_deleted: either account deleted (fails at once)', async () => {
    const [alice, bob] = await pair();
    const [carol, dave] = await pair();
    const socket = await connect(alice);
    const toBob = await schedule(alice, { receiverId: bob.id, content: 'x', scheduledTime: inMs(t, 60_000) });
    await bob.client.delete('/api/users/me', { authKey: bob.authKey });
    await expectFailed(alice, toBob.id, 'receiver_deleted', socket);
    const fromCarol = await schedule(carol, { receiverId: dave.id, content: 'y', scheduledTime: inMs(t, 60_000) });
    await carol.client.delete('/api/users/me', { authKey: carol.authKey });
    const { rows } = await t.db.query<{ status: string; code: string }>(
      'SELECT status, failure_code AS code FROM scheduled_messages WHERE id = $1',
      [fromCarol.id],
    );
    expect(rows[0]).toEqual({ status: 'failed', code: 'sender_deleted' });
    t.clock.advance(60_000);
    await deliverDue();
    expect(
      (await dave.client.get<MessagePage>(`/api/conversations/${fromCarol.conversationId}/messages`)).body.data
        .messages,
    ).toEqual([]);
  });

  it('media_missing: the blob vanished before the due time', async () => {
    const [alice, bob] = await pair();
    const { media, sealed } = await uploadSealed(alice);
    const s = await schedule(
      alice,
      { receiverId: bob.id, content: '', mediaId: media.id, scheduledTime: inMs(t, 60_000) },
      { kind: 'image', media: sealed.media },
    );
    const { rows } = await t.db.query<{ key: string }>('SELECT storage_key AS key FROM media WHERE id = $1', [
      media.id,
    ]);
    await rm(join(t.dataDir, 'media', rows[0]!.key.slice(0, 2), rows[0]!.key));
    t.clock.advance(60_000);
    await deliverDue();
    await expectFailed(alice, s.id, 'media_missing');
  });

  it('late_cutoff: overdue beyond the cutoff (24 h), e.g. after long downtime', async () => {
    const [alice, bob] = await pair();
    const late = await schedule(alice, { receiverId: bob.id, content: 'too late', scheduledTime: inMs(t, 60_000) });
    const fine = await schedule(alice, { receiverId: bob.id, content: 'fine', scheduledTime: inMs(t, 24 * 3_600_000) });
    t.clock.advance(60_000 + 24 * 3_600_000 + 1);
    await deliverDue();
    const failed = await expectFailed(alice, late.id, 'late_cutoff');
    expect(failed.failureReason).toMatch(/more than 24 h/);
    expect((await getScheduled(alice, fine.id)).status).toBe('sent');
  });
});

describe('retries', () => {
  it('retries only transient errors, at most 3 times one minute apart, then fails with delivery_error', async () => {
    const [alice, bob] = await pair();
    const socket = await connect(alice);
    const s = await schedule(alice, { receiverId: bob.id, content: 'flaky forever', scheduledTime: inMs(t, 60_000) });
    failing.add(s.id);
    faultyWrites = 0;
    t.clock.advance(60_000);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await deliverDue();
      const retrying = await socket.next('scheduled_message_retrying');
      expect(retrying).toMatchObject({ scheduledMessageId: s.id, attempt, maxRetries: 3 });
      expect(retrying.error).toMatch(/connection terminated/);
      expect(new Date(retrying.nextAttemptAt).getTime()).toBe(t.clock.now().getTime() + 60_000);
      const row = await getScheduled(alice, s.id);
      expect(row).toMatchObject({ status: 'pending', retryCount: attempt });
      expect(row.lastError).toMatch(/connection terminated/);
      t.clock.advance(59_999);
      expect(await deliverDue()).toBe(0);
      t.clock.advance(1);
    }
    await deliverDue();
    const failed = await getScheduled(alice, s.id);
    expect(failed).toMatchObject({ status: 'failed', failureCode: 'delivery_error', retryCount: 3 });
    expect((await socket.next('scheduled_message_failed')).code).toBe('delivery_error');
    // Four attempts in all: the first and three retries.
    expect(faultyWrites).toBe(4);
  });

  it('delivers once the transient fault heals, and one bad row does not hold back its batch', async () => {
    const [alice, bob] = await pair();
    const flaky = await schedule(alice, { receiverId: bob.id, content: 'flaky twice', scheduledTime: inMs(t, 60_000) });
    failing.add(flaky.id);
    const healthy = [];
    for (let i = 0; i < 4; i++) {
      healthy.push(await schedule(alice, { receiverId: bob.id, content: `fine ${i}`, scheduledTime: inMs(t, 60_000) }));
    }
    t.clock.advance(60_000);
    await deliverDue();
    for (const h of healthy) expect((await getScheduled(alice, h.id)).status).toBe('sent');
    expect((await getScheduled(alice, flaky.id)).retryCount).toBe(1);
    t.clock.advance(60_000);
    await deliverDue();
    expect((await getScheduled(alice, flaky.id)).retryCount).toBe(2);
    failing.delete(flaky.id); // the fault heals
    t.clock.advance(60_000);
    await deliverDue();
    expect(await getScheduled(alice, flaky.id)).toMatchObject({ status: 'sent', retryCount: 2 });
    const page = await bob.client.get<MessagePage>(`/api/conversations/${flaky.conversationId}/messages`);
    expect(page.body.data.messages.filter((m) => m.scheduledMessageId === flaky.id)).toHaveLength(1);
    expect(
      await openText(
        bob,
        page.body.data.messages.find((m) => m.scheduledMessageId === flaky.id)!,
      ),
    ).toBe('flaky twice');
  });

  it('fails a row that keeps crashing its dispatcher instead of blocking the queue', async () => {
    const [alice, bob] = await pair();
    const poison = await schedule(alice, { receiverId: bob.id, content: 'poison', scheduledTime: inMs(t, 60_000) });
    const next = await schedule(alice, { receiverId: bob.id, content: 'next', scheduledTime: inMs(t, 60_000) });
    const innocent = await schedule(alice, { receiverId: bob.id, content: 'innocent', scheduledTime: inMs(t, 60_000) });
    // Three processes died delivering batches that held it (their in-flight records outlived
    // them); the innocent row was in one of those batches too.
    for (const ids of [[poison.id, innocent.id], [poison.id], [poison.id]]) {
      await t.db.query(
        'INSERT INTO scheduled_delivery_batches (id, scheduled_ids, claimed_at) VALUES (gen_random_uuid(), $1, $2)',
        [ids, t.clock.now()],
      );
    }
    t.clock.advance(60_000);
    await deliverDue();
    const failed = await getScheduled(alice, poison.id);
    expect(failed).toMatchObject({ status: 'failed', failureCode: 'delivery_error' });
    expect(failed.failureReason).toMatch(/crashed/);
    // The others are delivered, the innocent suspect on its own.
    expect((await getScheduled(alice, next.id)).status).toBe('sent');
    expect((await getScheduled(alice, innocent.id)).status).toBe('sent');
    const { rows } = await t.db.query('SELECT 1 FROM scheduled_delivery_batches');
    expect(rows).toEqual([]);
  });
});

describe('races', () => {
  it('edit, cancel and send-now racing delivery: never both applied, never duplicated', async () => {
    const [alice, bob] = await pair();
    for (let round = 0; round < 30; round++) {
      const s = await schedule(alice, { receiverId: bob.id, content: `race ${round}`, scheduledTime: inMs(t, 60_000) });
      const edited = await sealText(alice, s.conversationId, `edited ${round}`);
      t.clock.advance(60_000);
      const action = round % 3;
      const [, res] = await Promise.all([
        deliverDue(),
        action === 0
          ? alice.client.put<ScheduledMessage>(`/api/scheduled-messages/${s.id}`, { content: edited })
          : action === 1
            ? alice.client.delete<ScheduledMessage>(`/api/scheduled-messages/${s.id}`)
            : alice.client.post(`/api/scheduled-messages/${s.id}/send-now`),
      ]);
      await deliverDue();
      const final = await getScheduled(alice, s.id);
      const { rows } = await t.db.query<{ content: string }>(
        'SELECT content FROM messages WHERE scheduled_message_id = $1',
        [s.id],
      );
      if (action === 1 && res.status === 200) {
        // Cancelled first: never delivered.
        expect([final.status, rows.length]).toEqual(['cancelled', 0]);
      } else {
        expect([round, final.status, rows.length]).toEqual([round, 'sent', 1]);
        if (action === 0) {
          // The edit either landed before delivery (and was delivered) or was refused with 409.
          expect(res.status === 200 ? rows[0]!.content === edited : res.status === 409).toBe(true);
          if (res.status === 409) expect(rows[0]!.content).toBe(s.content);
        }
        if (action === 1) expect(res.status).toBe(409);
      }
    }
  });
});

describe('send-now racing the dispatcher', () => {
  it('waits for the delivery that holds the row, then answers 409 with the status it ended in (never a 500)', async () => {
    const [alice, bob] = await pair();
    const s = await schedule(alice, { receiverId: bob.id, content: 'raced', scheduledTime: inMs(t, 60_000) });
    t.clock.advance(60_000);
    let open!: () => void;
    writeGate = new Promise<void>((resolve) => (open = resolve));
    writesAtGate = 0;
    try {
      const delivering = deliverDue();
      await expect.poll(() => writesAtGate).toBe(1); // the delivery holds the row's lock
      const sendNow = alice.client.post(`/api/scheduled-messages/${s.id}/send-now`);
      if (t.db.kind === 'pg') {
        // send-now is now waiting for that lock (PGlite simply queues it behind the transaction)
        await expect
          .poll(
            async () =>
              (await t.db.query<{ n: number }>('SELECT count(*) AS n FROM pg_locks WHERE NOT granted')).rows[0]!.n,
          )
          .toBeGreaterThan(0);
      }
      open();
      expect(await delivering).toBe(1);
      const res = await sendNow;
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'sent' } });
      const { rows } = await t.db.query('SELECT id FROM messages WHERE scheduled_message_id = $1', [s.id]);
      expect(rows).toHaveLength(1);
    } finally {
      writeGate = undefined;
      open();
    }
  });
});

describe('dispatcher wiring', () => {
  it('re-arms its timer when a row is created, through LISTEN/NOTIFY', async () => {
    const local = await createTestApp();
    const [alice, bob] = [await registerUser(local.app), await registerUser(local.app)];
    const dispatcher = local.app.herald.dispatcher;
    await dispatcher.start();
    const inMs = (ms: number) => new Date(local.clock.now().getTime() + ms).toISOString();
    try {
      const s = await schedule(alice, { receiverId: bob.id, content: 'wake me', scheduledTime: inMs(25_000) });
      await expect.poll(() => dispatcher.nextWakeAt?.toISOString()).toBe(s.scheduledTime);
      const sooner = await schedule(alice, { receiverId: bob.id, content: 'sooner', scheduledTime: inMs(15_000) });
      await expect.poll(() => dispatcher.nextWakeAt?.toISOString()).toBe(sooner.scheduledTime);
      // Moving one sooner re-arms earlier (a cancelled row's timer just finds nothing due).
      await alice.client.delete(`/api/scheduled-messages/${sooner.id}`);
      await alice.client.put(`/api/scheduled-messages/${s.id}`, { scheduledTime: inMs(12_000) });
      await expect.poll(() => dispatcher.nextWakeAt?.toISOString()).toBe(inMs(12_000));
    } finally {
      await local.close();
    }
  });

  it('exposes Prometheus metrics: lateness histogram, due backlog, deliveries by outcome', async () => {
    const [alice, bob] = await pair();
    await schedule(alice, { receiverId: bob.id, content: 'metric', scheduledTime: inMs(t, 60_000) });
    t.clock.advance(60_000);
    const before = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(before.body).toMatch(/herald_scheduled_due_backlog [1-9]/);
    await deliverDue();
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/herald_scheduled_delivery_lateness_seconds_bucket/);
    expect(res.body).toMatch(/herald_scheduled_deliveries_total\{outcome="sent"\} \d+/);
    expect(res.body).toMatch(/herald_scheduled_due_backlog 0/);
  });
});

describe('delivered messages look like live ones', () => {
  it('reach the recipient exactly as a live message, carrying scheduledTime and scheduledMessageId', async () => {
    const [alice, bob] = await pair();
    const chat = await directChat(alice, bob);
    const bobSocket = await connect(bob);
    const live = await alice.client.post<Message>(`/api/conversations/${chat.id}/messages`, {
      content: await sealText(alice, chat.id, 'live'),
    });
    const s = await schedule(alice, { conversationId: chat.id, content: 'scheduled', scheduledTime: inMs(t, 60_000) });
    t.clock.advance(60_000);
    await deliverDue();
    const liveEvent = await bobSocket.next('receive_message', (m) => m.id === live.body.data.id);
    const scheduledEvent = await bobSocket.next('receive_message', (m) => m.scheduledMessageId === s.id);
    expect(Object.keys(scheduledEvent).sort()).toEqual(Object.keys(liveEvent).sort());
    expect(scheduledEvent.scheduledTime).toBe(s.scheduledTime);
    expect(liveEvent.scheduledTime).toBeNull();
  });
});
