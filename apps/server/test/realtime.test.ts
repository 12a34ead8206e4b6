import type { Conversation, Message } from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { loginUser, registerUser, type TestUser } from './helpers/client.js';
import { directChat, groupChat, sealText, sendText } from './helpers/chat.js';
import { openText, recipientsOf, sealContent } from './helpers/e2ee.js';
import { disconnected, type TestSocket } from './helpers/socket.js';

let t: ListeningTestApp;

beforeAll(async () => {
  t = await createListeningApp();
});
afterEach(() => t.closeSockets());
afterAll(async () => {
  await t.close();
});

function connect(cookie: string | undefined, origin?: string): Promise<TestSocket> {
  return t.connect(cookie, origin ? { origin } : {});
}

async function device(user: TestUser): Promise<TestSocket> {
  const client = await loginUser(t.app, user.username, user.password);
  return connect(client.cookie);
}

describe('handshake', () => {
  it('refuses a socket without a session, with a dead session, or from another origin', async () => {
    await expect(connect(undefined)).rejects.toThrow(/unauthenticated/);
    const a = await registerUser(t.app);
    await expect(connect(`herald_session=${'x'.repeat(40)}`)).rejects.toThrow(/unauthenticated/);
    await expect(connect(a.client.cookie, 'https://evil.example')).rejects.toThrow();
    const ok = await connect(a.client.cookie, t.baseUrl);
    expect(ok.socket.connected).toBe(true);
  });
});

describe('messages in real time', () => {
  it("reaches the recipient's two devices and the sender's other device", async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const [b1, b2, aPhone] = [await device(b), await device(b), await device(a)];
    const aLaptop = await connect(a.client.cookie);
    const content = await sealText(a, chat.id, 'hi there');
    const sent = await aLaptop.emit('send_message', { conversationId: chat.id, content, clientId: 'k1' });
    expect(sent.ok).toBe(true);
    const id = sent.ok ? sent.data.id : '';
    for (const [socket, reader] of [
      [b1, b],
      [b2, b],
      [aPhone, a],
    ] as const) {
      const got = await socket.next('receive_message', (m) => m.id === id);
      expect(got).toMatchObject({ content, senderId: a.id, conversationId: chat.id, clientId: 'k1' });
      expect(await openText(reader, got)).toBe('hi there');
    }
  });

  it('flows delivered and read receipts back to the sender', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const [aSocket, bSocket] = [await connect(a.client.cookie), await connect(b.client.cookie)];
    const message = await sendText(a, chat.id, 'did you get it?');
    await bSocket.next('receive_message', (m) => m.id === message.id);
    const delivered = await bSocket.emit('mark_delivered', { conversationId: chat.id, messageIds: [message.id] });
    expect(delivered).toEqual({ ok: true, data: null });
    const d = await aSocket.next('message_status', (e) => e.status === 'delivered');
    expect(d).toMatchObject({ conversationId: chat.id, userId: b.id, messageIds: [message.id] });
    expect(await bSocket.emit('mark_read', { conversationId: chat.id })).toEqual({
      ok: true,
      data: { unreadCount: 0 },
    });
    const r = await aSocket.next('message_status', (e) => e.status === 'read');
    expect(r).toMatchObject({ userId: b.id, messageIds: [message.id] });
  });

  it('relays typing to the other members only', async () => {
    const [a, b, c] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(a, 'Typing', [b, c]);
    const [aSocket, bSocket, cSocket] = [
      await connect(a.client.cookie),
      await connect(b.client.cookie),
      await connect(c.client.cookie),
    ];
    expect(await aSocket.emit('typing', { conversationId: group.id, typing: true })).toEqual({ ok: true, data: null });
    for (const s of [bSocket, cSocket]) {
      expect(await s.next('typing')).toEqual({ conversationId: group.id, userId: a.id, typing: true });
    }
    expect(aSocket.all('typing')).toEqual([]);
  });

  it('emits reaction updates and conversation changes', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const aSocket = await connect(a.client.cookie);
    const message = await sendText(a, chat.id, 'like me');
    await b.client.put(`/api/messages/${message.id}/reaction`, { emoji: '🔥' });
    expect(await aSocket.next('reaction_updated')).toEqual({
      conversationId: chat.id,
      messageId: message.id,
      reactions: [{ userId: b.id, emoji: '🔥' }],
    });
    await b.client.patch(`/api/conversations/${chat.id}`, { temporaryTtlSeconds: 3600 });
    const updated = await aSocket.next('conversation_updated', (c) => c.temporaryTtlSeconds === 3600);
    expect(updated.id).toBe(chat.id);
  });
});

describe('membership changes', () => {
  it('stops events to a removed member at once', async () => {
    const [owner, stay, removed] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(owner, 'Kick', [stay, removed]);
    const dm = await directChat(owner, removed);
    const [staySocket, removedSocket] = [await connect(stay.client.cookie), await connect(removed.client.cookie)];
    await owner.client.delete(`/api/conversations/${group.id}/members/${removed.id}`);
    expect(await removedSocket.next('conversation_removed')).toEqual({ conversationId: group.id, reason: 'removed' });
    expect(await staySocket.next('member_left')).toEqual({
      conversationId: group.id,
      userId: removed.id,
      reason: 'removed',
    });
    const after = await sendText(owner, group.id, 'secret plans');
    await sendText(owner, group.id, 'typing soon');
    await staySocket.next('receive_message', (m) => m.id === after.id);
    // A sentinel sent after: once it arrives, anything for the group would already have arrived.
    const sentinel = await sendText(owner, dm.id, 'sentinel');
    await removedSocket.next('receive_message', (m) => m.id === sentinel.id);
    expect(removedSocket.all('receive_message').map((m) => m.conversationId)).toEqual([dm.id]);
  });

  it('tells new members and existing members about joins', async () => {
    const [owner, member, newcomer] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(owner, 'Join', [member]);
    const [memberSocket, newSocket] = [await connect(member.client.cookie), await connect(newcomer.client.cookie)];
    await owner.client.post(`/api/conversations/${group.id}/members`, { userIds: [newcomer.id] });
    const joined = await memberSocket.next('member_joined');
    expect(joined).toMatchObject({ conversationId: group.id, member: { user: { id: newcomer.id }, role: 'member' } });
    const view: Conversation = await newSocket.next('conversation_updated', (c) => c.id === group.id);
    expect(view.myRole).toBe('member');
  });
});

describe('presence', () => {
  it('is online while a socket is connected and reports last seen when the last one closes', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    await directChat(b, a); // b opens it: in b's list (a's first message would put it there too)
    const watcher = await connect(b.client.cookie);
    const s1 = await connect(a.client.cookie);
    expect(await watcher.next('user_online')).toEqual({ userId: a.id });
    const s2 = await device(a);
    let members = (await b.client.get<Conversation[]>('/api/conversations')).body.data[0]!.members;
    expect(members.find((m) => m.user.id === a.id)!.user.online).toBe(true);
    s1.close();
    const sentinelChat = await directChat(a, b);
    const sentinel = await sendText(a, sentinelChat.id, 'still here');
    await watcher.next('receive_message', (m) => m.id === sentinel.id);
    expect(watcher.all('user_offline')).toEqual([]);
    s2.close();
    const offline = await watcher.next('user_offline');
    expect(offline.userId).toBe(a.id);
    members = (await b.client.get<Conversation[]>('/api/conversations')).body.data[0]!.members;
    const seen = members.find((m) => m.user.id === a.id)!.user;
    expect(seen.online).toBe(false);
    expect(seen.lastSeenAt).toBe(offline.lastSeenAt);
  });
});

describe('commands: validated and authorised from the session', () => {
  it('answers bad payloads and foreign conversations with an error ack, never a crash', async () => {
    const [a, b, stranger] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const s = await connect(stranger.client.cookie);
    const foreign = await sealContent(stranger, chat.id, 'hi', { recipients: recipientsOf([a, b]) });
    const notMine = await s.emit('send_message', { conversationId: chat.id, content: foreign });
    expect(notMine).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const bad = await s.emit('send_message', { conversationId: 'nope', content: 1 } as never);
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await s.emit('mark_read', { conversationId: chat.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await s.emit('typing', { conversationId: chat.id, typing: true })).toMatchObject({ ok: false });
    expect(
      await s.emit('mark_delivered', { conversationId: chat.id, messageIds: ['00000000-0000-4000-8000-000000000000'] }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // A senderId-like field in the payload is ignored: the sender is the socket's user.
    const mine = await connect(a.client.cookie);
    const content = await sealText(a, chat.id, 'me');
    const sent = await mine.emit('send_message', { conversationId: chat.id, content, senderId: b.id } as never);
    expect(sent.ok && sent.data.senderId).toBe(a.id);
  });
});

describe('sessions end sockets', () => {
  it('logout everywhere disconnects every socket of the user', async () => {
    const a = await registerUser(t.app);
    const [s1, s2] = [await connect(a.client.cookie), await device(a)];
    const gone = [disconnected(s1), disconnected(s2)];
    await a.client.post('/api/auth/logout-all');
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    await expect(connect(a.client.cookie)).rejects.toThrow(/unauthenticated/);
  });

  it('logout disconnects that session only', async () => {
    const a = await registerUser(t.app);
    const laptop = await connect(a.client.cookie);
    const phone = await device(a);
    const gone = disconnected(laptop);
    await a.client.post('/api/auth/logout');
    expect(await gone).toBe('io server disconnect');
    expect(phone.socket.connected).toBe(true);
  });

  it('account deletion disconnects, leaves groups, and keeps history readable as a deleted account', async () => {
    const [a, b, c] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(b, 'Farewell', [a, c]);
    const chat = await directChat(a, b);
    const last = await sendText(a, chat.id, 'goodbye');
    const aSocket = await connect(a.client.cookie);
    const bSocket = await connect(b.client.cookie);
    const gone = disconnected(aSocket);
    await a.client.delete('/api/users/me', { authKey: a.authKey });
    expect(await gone).toBe('io server disconnect');
    expect(await bSocket.next('member_left')).toEqual({
      conversationId: group.id,
      userId: a.id,
      reason: 'account_deleted',
    });
    const groupView = await b.client.get<Conversation>(`/api/conversations/${group.id}`);
    expect(groupView.body.data.members.map((m) => m.user.id).sort()).toEqual([b.id, c.id].sort());
    const page = await b.client.get<{ messages: Message[] }>(`/api/conversations/${chat.id}/messages`);
    expect(page.body.data.messages.map((m) => m.id)).toEqual([last.id]);
    const dm = await b.client.get<Conversation>(`/api/conversations/${chat.id}`);
    const ghost = dm.body.data.members.find((m) => m.user.id === a.id)!.user;
    expect(ghost).toMatchObject({ deleted: true, displayName: 'Deleted account' });
    const reply = await b.client.post(`/api/conversations/${chat.id}/messages`, {
      content: await sealText(b, chat.id, 'are you there?'),
    });
    expect(reply.status).toBe(403);
    expect(reply.body.message).toMatch(/deleted/);
  });
});
