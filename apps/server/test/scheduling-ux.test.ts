/**
 * Issue 13, items 7 and 8 on the server: a delivered scheduled message looks like any message to
 * its recipients unless the sender chose to show it as scheduled; a cancelled message can be
 * restored while its time is ahead, and a failed one edited and scheduled again.
 */
import type { Conversation, Message, MessagePage, ScheduledMessage } from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { directChat, sealText } from './helpers/chat.js';
import { openText } from './helpers/e2ee.js';
import { getScheduled, inMs, schedule } from './helpers/scheduling.js';

let t: ListeningTestApp;
beforeAll(async () => {
  t = await createListeningApp({ env: { SCHEDULE_MAX_PENDING_PER_CONVERSATION: '2' } });
});
afterEach(() => t.closeSockets());
afterAll(async () => {
  await t.close();
});

const connect = (user: TestUser) => t.connect(user.client.cookie);
const deliverDue = () => t.app.herald.dispatcher.runOnce();
const pair = async () => [await registerUser(t.app), await registerUser(t.app)] as const;
const MINUTE = 60_000;
const restore = (user: TestUser, id: string, body: Record<string, unknown>) =>
  user.client.post<ScheduledMessage>(`/api/scheduled-messages/${id}/restore`, body);
const pageOf = async (user: TestUser, conversationId: string) =>
  (await user.client.get<MessagePage>(`/api/conversations/${conversationId}/messages`)).body.data.messages;

describe('scheduled messages look like any message to recipients by default', () => {
  it('hides scheduledTime and scheduledMessageId from recipients (socket, page, chat list); the sender keeps both', async () => {
    const [alice, bob] = await pair();
    const chat = await directChat(alice, bob);
    const bobSocket = await connect(bob);
    const aliceSocket = await connect(alice);
    const s = await schedule(alice, {
      conversationId: chat.id,
      content: 'quietly scheduled',
      scheduledTime: inMs(t, MINUTE),
      showAsScheduled: false,
    });
    expect(s.showAsScheduled).toBe(false);
    t.clock.advance(MINUTE);
    await deliverDue();
    const sent = await aliceSocket.next('scheduled_message_sent', (e) => e.scheduledMessageId === s.id);
    const received = await bobSocket.next('receive_message', (m) => m.id === sent.message.id);
    expect(received).toMatchObject({ scheduledMessageId: null, scheduledTime: null });
    expect(await openText(bob, received)).toBe('quietly scheduled');
    // The sender's copy: scheduled for X, sent at Y.
    expect(sent.message).toMatchObject({ scheduledMessageId: s.id, scheduledTime: s.scheduledTime });

    const [bobsCopy] = await pageOf(bob, chat.id);
    expect(bobsCopy).toMatchObject({ id: sent.message.id, scheduledMessageId: null, scheduledTime: null });
    const [alicesCopy] = await pageOf(alice, chat.id);
    expect(alicesCopy).toMatchObject({ scheduledMessageId: s.id, scheduledTime: s.scheduledTime });
    const bobsChats = await bob.client.get<Conversation[]>('/api/conversations');
    expect(bobsChats.body.data[0]!.lastMessage).toMatchObject({ scheduledMessageId: null, scheduledTime: null });
    const alicesChats = await alice.client.get<Conversation[]>('/api/conversations');
    expect(alicesChats.body.data[0]!.lastMessage).toMatchObject({ scheduledMessageId: s.id });
  });

  it('is the default when the body says nothing', async () => {
    const [alice, bob] = await pair();
    const chat = await directChat(alice, bob);
    const res = await alice.client.post<ScheduledMessage>('/api/scheduled-messages', {
      conversationId: chat.id,
      content: await sealText(alice, chat.id, 'plain'),
      scheduledTime: inMs(t, MINUTE),
    });
    expect(res.status).toBe(201);
    expect(res.body.data.showAsScheduled).toBe(false);
  });

  it('shows both to recipients when the sender chose to mark it scheduled', async () => {
    const [alice, bob] = await pair();
    const chat = await directChat(alice, bob);
    const bobSocket = await connect(bob);
    const s = await schedule(alice, {
      conversationId: chat.id,
      content: 'marked',
      scheduledTime: inMs(t, MINUTE),
      showAsScheduled: true,
    });
    expect(s.showAsScheduled).toBe(true);
    t.clock.advance(MINUTE);
    await deliverDue();
    const received = await bobSocket.next('receive_message', (m) => m.scheduledMessageId === s.id);
    expect(received.scheduledTime).toBe(s.scheduledTime);
    const [bobsCopy] = await pageOf(bob, chat.id);
    expect(bobsCopy).toMatchObject({ scheduledMessageId: s.id, scheduledTime: s.scheduledTime });
  });
});

describe('restore a cancelled message', () => {
  it('brings it back to pending while its time is ahead (version-checked, live), and it is delivered', async () => {
    const [alice, bob] = await pair();
    const chat = await directChat(alice, bob);
    const aliceSocket = await connect(alice);
    const s = await schedule(alice, {
      conversationId: chat.id,
      content: 'undo me',
      scheduledTime: inMs(t, 10 * MINUTE),
    });
    const cancelled = (await alice.client.delete<ScheduledMessage>(`/api/scheduled-messages/${s.id}`)).body.data;
    // A stale copy changes nothing.
    const stale = await restore(alice, s.id, { version: s.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'version_conflict', details: { version: cancelled.version } });
    // Someone else's looks missing.
    expect((await restore(bob, s.id, { version: cancelled.version })).status).toBe(404);
    expect((await getScheduled(alice, s.id)).status).toBe('cancelled');

    const res = await restore(alice, s.id, { version: cancelled.version });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: s.id,
      status: 'pending',
      scheduledTime: s.scheduledTime,
      cancelledAt: null,
      version: cancelled.version + 1,
    });
    const event = await aliceSocket.next('scheduled_message_updated', (e) => e.id === s.id);
    expect(event).toMatchObject({ status: 'pending', version: cancelled.version + 1 });
    const chats = await alice.client.get<Conversation[]>('/api/conversations');
    expect(chats.body.data.find((c) => c.id === chat.id)!.scheduledPendingCount).toBe(1);
    // Pending again: restoring once more is refused.
    const again = await restore(alice, s.id, { version: res.body.data.version });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'pending' } });

    t.clock.advance(10 * MINUTE);
    await deliverDue();
    expect(await getScheduled(alice, s.id)).toMatchObject({ status: 'sent' });
    expect(await openText(bob, (await pageOf(bob, chat.id))[0]!)).toBe('undo me');
  });

  it('refuses once its time has passed unless given a new time, and rechecks the quota', async () => {
    const [alice, bob] = await pair();
    const chat = await directChat(alice, bob);
    const s = await schedule(alice, { conversationId: chat.id, content: 'late', scheduledTime: inMs(t, MINUTE) });
    const cancelled = (await alice.client.delete<ScheduledMessage>(`/api/scheduled-messages/${s.id}`)).body.data;
    t.clock.advance(2 * MINUTE);
    const passed = await restore(alice, s.id, { version: cancelled.version });
    expect(passed.status).toBe(422);
    expect(passed.body.error.code).toBe('time_too_soon');
    // The quota (2 per conversation here) counts it again: two others fill it.
    const others = [
      await schedule(alice, { conversationId: chat.id, content: 'a', scheduledTime: inMs(t, MINUTE) }),
      await schedule(alice, { conversationId: chat.id, content: 'b', scheduledTime: inMs(t, MINUTE) }),
    ];
    const full = await restore(alice, s.id, { version: cancelled.version, scheduledTime: inMs(t, 5 * MINUTE) });
    expect(full.status).toBe(429);
    expect(full.body.error).toMatchObject({ code: 'quota_exceeded', details: { scope: 'conversation' } });
    expect((await getScheduled(alice, s.id)).status).toBe('cancelled');
    await alice.client.delete(`/api/scheduled-messages/${others[0]!.id}`);
    const moved = await restore(alice, s.id, { version: cancelled.version, scheduledTime: inMs(t, 5 * MINUTE) });
    expect(moved.status).toBe(200);
    expect(moved.body.data).toMatchObject({ status: 'pending', scheduledTime: inMs(t, 5 * MINUTE) });
  });
});

describe('a failed message edited and scheduled again', () => {
  it('goes back to pending with new words and a new time, its failure cleared, and is delivered', async () => {
    const [alice, bob] = await pair();
    const chat = await directChat(alice, bob);
    const s = await schedule(alice, { conversationId: chat.id, content: 'first try', scheduledTime: inMs(t, MINUTE) });
    await bob.client.put(`/api/users/${alice.id}/block`);
    t.clock.advance(MINUTE);
    await deliverDue();
    const failed = await getScheduled(alice, s.id);
    expect(failed).toMatchObject({ status: 'failed', failureCode: 'recipient_unavailable' });
    // Still blocked: refused like a new schedule, nothing changes.
    const blocked = await restore(alice, s.id, { version: failed.version, scheduledTime: inMs(t, MINUTE) });
    expect(blocked.status).toBe(403);
    await bob.client.delete(`/api/users/${alice.id}/block`);
    // New content must be sealed for this conversation.
    const plaintext = await restore(alice, s.id, {
      version: failed.version,
      scheduledTime: inMs(t, MINUTE),
      content: 'x',
    });
    expect(plaintext.status).toBe(400);
    expect((await getScheduled(alice, s.id)).status).toBe('failed');

    const res = await restore(alice, s.id, {
      version: failed.version,
      scheduledTime: inMs(t, 2 * MINUTE),
      content: await sealText(alice, chat.id, 'second try'),
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      status: 'pending',
      failureCode: null,
      failureReason: null,
      retryCount: 0,
      scheduledTime: inMs(t, 2 * MINUTE),
    });
    const me = await alice.client.get<{ user: { unseenFailedScheduled: number } }>('/api/auth/me');
    expect(me.body.data.user.unseenFailedScheduled).toBe(0);
    t.clock.advance(2 * MINUTE);
    await deliverDue();
    expect(await getScheduled(alice, s.id)).toMatchObject({ status: 'sent' });
    expect(await openText(bob, (await pageOf(bob, chat.id)).at(-1)!)).toBe('second try');
  });
});

describe('what restore refuses', () => {
  it('a sent message (409) and a bad body (400), changing nothing', async () => {
    const [alice, bob] = await pair();
    const chat = await directChat(alice, bob);
    const s = await schedule(alice, { conversationId: chat.id, content: 'out', scheduledTime: inMs(t, MINUTE) });
    await alice.client.post(`/api/scheduled-messages/${s.id}/send-now`);
    const sent = await getScheduled(alice, s.id);
    const res = await restore(alice, s.id, { version: sent.version });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'sent' } });
    for (const body of [{}, { version: 0 }, { version: 'x' }, { version: 1, content: 7 }]) {
      expect((await restore(alice, s.id, body)).status).toBe(400);
    }
    expect(await getScheduled(alice, s.id)).toMatchObject({ status: 'sent', version: sent.version });
    const messages: Message[] = await pageOf(bob, chat.id);
    expect(messages).toHaveLength(1);
  });
});
