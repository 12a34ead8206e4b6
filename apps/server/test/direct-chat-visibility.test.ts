import type { Conversation } from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { directChat, sendText } from './helpers/chat.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { inMs, schedule } from './helpers/scheduling.js';

/**
 * A direct chat appears for the other person with its first message (issue 13, item 6), live or
 * scheduled, not when someone merely opens it: until then their list leaves it out, GET answers
 * 404 (as for a chat that does not exist) and no conversation_updated reaches them.
 */
let t: ListeningTestApp;
beforeAll(async () => {
  t = await createListeningApp();
});
afterEach(() => t.closeSockets());
afterAll(async () => {
  await t.close();
});

const connect = (user: TestUser) => t.connect(user.client.cookie);
const pair = async () => [await registerUser(t.app), await registerUser(t.app)] as const;

async function listed(user: TestUser, id: string): Promise<boolean> {
  const res = await user.client.get<Conversation[]>('/api/conversations');
  expect(res.status).toBe(200);
  return res.body.data.some((c) => c.id === id);
}

const lookup = (user: TestUser, id: string) => user.client.get<Conversation>(`/api/conversations/${id}`);

describe('a direct chat appears for the other person with its first message', () => {
  it('live: hidden from the other person until the first message, then there with it', async () => {
    const [ana, ben] = await pair();
    const benSocket = await connect(ben);
    const chat = await directChat(ana, ben);
    // The creator sees it at once, as before.
    expect(await listed(ana, chat.id)).toBe(true);
    expect((await lookup(ana, chat.id)).status).toBe(200);
    // The other person: not listed, 404 like a chat that does not exist.
    expect(await listed(ben, chat.id)).toBe(false);
    const missing = await lookup(ben, chat.id);
    expect(missing.status).toBe(404);
    const unknown = await lookup(ben, '00000000-0000-4000-8000-000000000000');
    expect(missing.body).toEqual(unknown.body);
    // Opening it again (the creator) does not reveal it either.
    await directChat(ana, ben);
    expect(await listed(ben, chat.id)).toBe(false);

    const message = await sendText(ana, chat.id, 'hi Ben');
    const received = await benSocket.next('receive_message', (m) => m.conversationId === chat.id);
    expect(received.id).toBe(message.id);
    // The first event about this chat Ben's devices ever heard is the message itself.
    expect(benSocket.all('conversation_updated').filter((c) => c.id === chat.id)).toEqual([]);
    expect(await listed(ben, chat.id)).toBe(true);
    expect((await lookup(ben, chat.id)).body.data).toMatchObject({
      id: chat.id,
      unreadCount: 1,
      lastMessage: { id: message.id },
    });
  });

  it('no conversation_updated reaches the other person before the first message', async () => {
    const [ana, ben] = await pair();
    const benSocket = await connect(ben);
    const chat = await directChat(ana, ben);
    const anaSocket = await connect(ana);
    // Something that announces the chat to all its members (a block changing) leaves Ben out.
    expect((await ana.client.put(`/api/users/${ben.id}/block`)).status).toBe(200);
    expect((await ana.client.delete(`/api/users/${ben.id}/block`)).status).toBe(200);
    await anaSocket.next('conversation_updated', (c) => c.id === chat.id && !c.blockedByMe);
    // Events reach a socket in order: once Ben has the message, anything sent before it is in.
    const message = await sendText(ana, chat.id, 'first');
    await benSocket.next('receive_message', (m) => m.id === message.id);
    expect(benSocket.all('conversation_updated').filter((c) => c.id === chat.id)).toEqual([]);
  });

  it('the other person opening it themselves sees it at once', async () => {
    const [ana, ben] = await pair();
    const chat = await directChat(ana, ben);
    const mine = await directChat(ben, ana);
    expect(mine.id).toBe(chat.id);
    expect(await listed(ben, chat.id)).toBe(true);
    expect((await lookup(ben, chat.id)).status).toBe(200);
  });

  it('scheduled: appears when the dispatcher delivers the first message, not when it is scheduled', async () => {
    const [ana, ben] = await pair();
    const benSocket = await connect(ben);
    const s = await schedule(ana, { receiverId: ben.id, content: 'later', scheduledTime: inMs(t, 60_000) });
    expect(await listed(ana, s.conversationId)).toBe(true);
    expect(await listed(ben, s.conversationId)).toBe(false);
    expect((await lookup(ben, s.conversationId)).status).toBe(404);
    t.clock.advance(60_000);
    expect(await t.app.herald.dispatcher.runOnce()).toBe(1);
    const received = await benSocket.next('receive_message', (m) => m.conversationId === s.conversationId);
    expect(received.scheduledMessageId === null || received.scheduledMessageId === s.id).toBe(true);
    expect(await listed(ben, s.conversationId)).toBe(true);
    expect((await lookup(ben, s.conversationId)).body.data.lastMessage?.id).toBe(received.id);
  });

  it('a group is there for every member at once', async () => {
    const [ana, ben] = await pair();
    const res = await ana.client.post<Conversation>('/api/conversations/group', { title: 'G', memberIds: [ben.id] });
    expect(await listed(ben, res.body.data.id)).toBe(true);
  });
});
