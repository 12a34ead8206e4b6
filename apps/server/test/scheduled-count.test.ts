import type { Conversation, ScheduledMessage, ServerEventName } from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { directChat, groupChat, sealText } from './helpers/chat.js';
import { inMs, schedule } from './helpers/scheduling.js';
import type { TestSocket } from './helpers/socket.js';

/**
 * "N scheduled" (a conversation's scheduledPendingCount) has one source, the scheduled_messages
 * table, read with every conversation view; every change that moves it reaches the sender as a
 * scheduled_message_* event naming the message's conversation and new status, and a view sent
 * after such a change already counts it.
 */

let t: ListeningTestApp;
beforeAll(async () => {
  t = await createListeningApp();
});
afterEach(() => t.closeSockets());
afterAll(async () => {
  await t.close();
});

async function countIn(user: TestUser, conversationId: string): Promise<number> {
  const res = await user.client.get<Conversation>(`/api/conversations/${conversationId}`);
  expect(res.status).toBe(200);
  return res.body.data.scheduledPendingCount;
}

/** The next scheduled_message_* event for this message, with the status it carries. */
async function statusEvent(socket: TestSocket, event: ServerEventName, id: string): Promise<string> {
  const payload = (await socket.next(event, (p) => {
    const item = (p as { scheduledMessage?: ScheduledMessage }).scheduledMessage ?? (p as ScheduledMessage);
    return item.id === id;
  })) as { scheduledMessage?: ScheduledMessage } | ScheduledMessage;
  const item = 'scheduledMessage' in payload && payload.scheduledMessage ? payload.scheduledMessage : payload;
  return (item as ScheduledMessage).status;
}

describe('"N scheduled" for the sender', () => {
  it('moves with create, cancel, send-now, delivery and failure, each told by an event', async () => {
    const [alice, bob, carol] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(alice, 'Plans', [bob, carol]);
    const direct = await directChat(alice, carol);
    const socket = await t.connect(alice.client.cookie);
    const at = (ms: number) => ({ conversationId: group.id, scheduledTime: inMs(t, ms) });

    const [first, second, third] = [
      await schedule(alice, { ...at(60_000), content: 'one' }),
      await schedule(alice, { ...at(60_000), content: 'two' }),
      await schedule(alice, { ...at(120_000), content: 'three' }),
    ];
    for (const s of [first, second, third]) {
      expect(await statusEvent(socket, 'scheduled_message_created', s.id)).toBe('pending');
    }
    expect(await countIn(alice, group.id)).toBe(3);
    expect(await countIn(bob, group.id)).toBe(0);

    expect((await alice.client.delete(`/api/scheduled-messages/${first.id}`)).status).toBe(200);
    expect(await statusEvent(socket, 'scheduled_message_cancelled', first.id)).toBe('cancelled');
    expect(await countIn(alice, group.id)).toBe(2);

    expect((await alice.client.post(`/api/scheduled-messages/${second.id}/send-now`)).status).toBe(200);
    expect(await statusEvent(socket, 'scheduled_message_sent', second.id)).toBe('sent');
    expect(await countIn(alice, group.id)).toBe(1);

    t.clock.advance(120_000);
    await t.app.herald.dispatcher.runOnce();
    expect(await statusEvent(socket, 'scheduled_message_sent', third.id)).toBe('sent');
    expect(await countIn(alice, group.id)).toBe(0);

    // A failure: the receiver of a direct message deletes their account.
    const toCarol = await schedule(alice, {
      conversationId: direct.id,
      content: 'for carol',
      scheduledTime: inMs(t, 60_000),
    });
    expect(await countIn(alice, direct.id)).toBe(1);
    expect((await carol.client.delete('/api/users/me', { authKey: carol.authKey })).status).toBeLessThan(300);
    expect(await statusEvent(socket, 'scheduled_message_failed', toCarol.id)).toBe('failed');
    expect(await countIn(alice, direct.id)).toBe(0);
  });

  it('brings a deleted chat back after its created event, with a view that already counts it', async () => {
    const [alice, bob] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(alice, bob);
    expect((await alice.client.delete(`/api/conversations/${chat.id}`)).status).toBe(200);
    const socket = await t.connect(alice.client.cookie);
    const content = await sealText(alice, chat.id, 'back again');
    const s = await schedule(alice, { conversationId: chat.id, content, scheduledTime: inMs(t, 60_000) });
    const view = await socket.next('conversation_updated', (c) => c.id === chat.id);
    expect(view.scheduledPendingCount).toBe(1);
    const order = socket.received.map((r) => r.event);
    expect(order.indexOf('scheduled_message_created')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('scheduled_message_created')).toBeLessThan(order.indexOf('conversation_updated'));
    expect(await statusEvent(socket, 'scheduled_message_created', s.id)).toBe('pending');
  });
});
