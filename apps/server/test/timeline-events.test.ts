import type { Conversation, Message, MessagePage, TimelineEventKind } from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { groupChat, sealText, sendText } from './helpers/chat.js';
import { registerUser, type TestUser } from './helpers/client.js';
import type { TestSocket } from './helpers/socket.js';

/**
 * Timeline events (issue 13, item 5): every change to a group is a server-written line of its
 * timeline (contentType 'event'), in order with messages, live to every current member, never
 * unread, without receipts, and not something anyone can edit, delete, react to or reply to.
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
const users = async (n: number) => Promise.all(Array.from({ length: n }, () => registerUser(t.app)));

async function page(user: TestUser, conversationId: string): Promise<Message[]> {
  const res = await user.client.get<MessagePage>(`/api/conversations/${conversationId}/messages`);
  expect(res.status).toBe(200);
  return [...res.body.data.messages].reverse();
}

/** The next event line of this conversation on the socket (of this kind, if given). */
const nextEvent = (socket: TestSocket, conversationId: string, kind?: TimelineEventKind) =>
  socket.next(
    'receive_message',
    (m) => m.conversationId === conversationId && m.contentType === 'event' && (!kind || m.event?.kind === kind),
  );

async function chat(user: TestUser, id: string): Promise<Conversation> {
  const res = await user.client.get<Conversation>(`/api/conversations/${id}`);
  expect(res.status).toBe(200);
  return res.body.data;
}

describe('events in the timeline', () => {
  it('records each group change, in order with messages, live to every current member', async () => {
    const [ana, ben, cy, deeUser] = await users(4);
    const [benSocket, cySocket] = [await connect(ben!), await connect(cy!)];
    const group = await groupChat(ana!, 'Climbing', [ben!, cy!]);
    const dee = deeUser!;
    const created = await nextEvent(benSocket, group.id);
    expect(created).toMatchObject({
      senderId: ana!.id,
      contentType: 'event',
      content: '',
      receipts: [],
      event: { kind: 'group_created', title: 'Climbing', userIds: [ben!.id, cy!.id] },
    });
    expect(created.event!.names).toMatchObject({ [ana!.id]: ana!.user.displayName, [ben!.id]: ben!.user.displayName });
    // The creator's own answer already shows the event as the last message.
    expect(group.lastMessage).toMatchObject({ id: created.id, contentType: 'event' });
    expect((await nextEvent(cySocket, group.id)).id).toBe(created.id);

    const hello = await sendText(ana!, group.id, 'hello');
    t.clock.advance(1000); // Dee joins later than the group was made
    expect((await ana!.client.post(`/api/conversations/${group.id}/members`, { userIds: [dee.id] })).status).toBe(200);
    expect((await nextEvent(benSocket, group.id, 'members_added')).event).toMatchObject({ userIds: [dee.id] });
    await ana!.client.patch(`/api/conversations/${group.id}/members/${ben!.id}`, { role: 'admin' });
    expect((await nextEvent(cySocket, group.id, 'role_changed')).event).toMatchObject({
      userId: ben!.id,
      role: 'admin',
    });
    await ana!.client.patch(`/api/conversations/${group.id}/members/${ben!.id}`, { role: 'member' });
    expect((await nextEvent(cySocket, group.id, 'role_changed')).event).toMatchObject({ role: 'member' });
    await ana!.client.patch(`/api/conversations/${group.id}`, { title: 'Bouldering' });
    expect((await nextEvent(benSocket, group.id, 'title_changed')).event).toMatchObject({ title: 'Bouldering' });
    await ana!.client.patch(`/api/conversations/${group.id}`, { temporaryTtlSeconds: 86_400 });
    expect((await nextEvent(benSocket, group.id, 'temporary_mode_changed')).event).toMatchObject({
      ttlSeconds: 86_400,
    });
    await ana!.client.patch(`/api/conversations/${group.id}`, { temporaryTtlSeconds: null });
    expect((await nextEvent(benSocket, group.id, 'temporary_mode_changed')).event).toMatchObject({ ttlSeconds: null });
    // A patch that changes nothing records nothing.
    await ana!.client.patch(`/api/conversations/${group.id}`, { title: 'Bouldering' });
    expect((await ana!.client.delete(`/api/conversations/${group.id}/members/${cy!.id}`)).status).toBe(200);
    const removed = await nextEvent(benSocket, group.id, 'member_removed');
    expect(removed).toMatchObject({ senderId: ana!.id, event: { kind: 'member_removed', userId: cy!.id } });
    // The removed member's name stays on the line, even once they are gone from the member list.
    expect(removed.event!.names[cy!.id]).toBe(cy!.user.displayName);
    expect((await ben!.client.post(`/api/conversations/${group.id}/leave`)).status).toBe(200);

    const kinds = (await page(ana!, group.id)).map((m) => (m.event ? m.event.kind : m.id));
    expect(kinds).toEqual([
      'group_created',
      hello.id,
      'members_added',
      'role_changed',
      'role_changed',
      'title_changed',
      'temporary_mode_changed',
      'temporary_mode_changed',
      'member_removed',
      'member_left',
    ]);
    // Seq order is the timeline's order.
    const seqs = (await page(ana!, group.id)).map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // The newcomer sees the group from their join: the line that added them, and what followed.
    const deeKinds = (await page(dee, group.id)).map((m) => m.event?.kind);
    expect(deeKinds[0]).toBe('members_added');
    expect(deeKinds).not.toContain('group_created');
  });

  it('never counts as unread, and the chat list shows it as the last message', async () => {
    const [ana, ben, cy] = await users(3);
    const group = await groupChat(ana!, 'Unread', [ben!]);
    await ana!.client.patch(`/api/conversations/${group.id}`, { title: 'Still unread?' });
    await ana!.client.post(`/api/conversations/${group.id}/members`, { userIds: [cy!.id] });
    const seen = await chat(ben!, group.id);
    expect(seen.unreadCount).toBe(0);
    expect(seen.lastMessage).toMatchObject({ contentType: 'event', event: { kind: 'members_added' } });
    const list = await ben!.client.get<Conversation[]>('/api/conversations');
    expect(list.body.data.find((c) => c.id === group.id)).toMatchObject({ unreadCount: 0 });
    await sendText(ana!, group.id, 'one real message');
    expect((await chat(ben!, group.id)).unreadCount).toBe(1);
  });

  it('an owner who leaves: "left" then "now the owner", to everyone who stays', async () => {
    const [ana, ben, cy] = await users(3);
    const group = await groupChat(ana!, 'Heirs', [ben!, cy!]);
    // Ben is an admin: he inherits (the oldest admin, else the oldest member).
    await ana!.client.patch(`/api/conversations/${group.id}/members/${ben!.id}`, { role: 'admin' });
    const cySocket = await connect(cy!);
    await ana!.client.post(`/api/conversations/${group.id}/leave`);
    expect(await nextEvent(cySocket, group.id, 'member_left')).toMatchObject({ senderId: ana!.id });
    expect(await nextEvent(cySocket, group.id)).toMatchObject({
      senderId: ana!.id,
      event: { kind: 'owner_inherited', userId: ben!.id },
    });
  });

  it('a deleted account is "gone", with no name left to show', async () => {
    const [ana, ben] = await users(2);
    const group = await groupChat(ana!, 'Gone', [ben!]);
    const anaSocket = await connect(ana!);
    expect((await ben!.client.delete('/api/users/me', { authKey: ben!.authKey })).status).toBe(200);
    const gone = await nextEvent(anaSocket, group.id);
    expect(gone).toMatchObject({ senderId: ben!.id, event: { kind: 'member_gone' } });
    expect(gone.event!.names[ben!.id]).toBeUndefined();
  });

  it('disappearing messages on and off in a direct chat are events too, and do not expire', async () => {
    const [ana, ben] = await users(2);
    const direct = (await ana!.client.post<Conversation>('/api/conversations/direct', { userId: ben!.id })).body.data;
    await sendText(ana!, direct.id, 'hi');
    await ana!.client.patch(`/api/conversations/${direct.id}`, { temporaryTtlSeconds: 3_600 });
    await sendText(ana!, direct.id, 'this one goes');
    t.clock.advance(3_601_000);
    await t.app.herald.housekeeping.runOnce();
    const kinds = (await page(ben!, direct.id)).map((m) => m.event?.kind ?? 'message');
    expect(kinds).toEqual(['message', 'temporary_mode_changed']);
  });

  it('cannot be edited, deleted, reacted to or replied to; receipts skip it', async () => {
    const [ana, ben] = await users(2);
    const group = await groupChat(ana!, 'Hands off', [ben!]);
    const [event] = await page(ana!, group.id);
    expect(event!.contentType).toBe('event');
    const content = await sealText(ana!, group.id, 'rewritten');
    expect((await ana!.client.patch(`/api/messages/${event!.id}`, { content })).status).toBe(403);
    expect((await ana!.client.delete(`/api/messages/${event!.id}?for=everyone`)).status).toBe(403);
    for (const user of [ana!, ben!]) {
      const res = await user.client.put(`/api/messages/${event!.id}/reaction`, { emoji: '👍' });
      expect(res.status).toBe(409);
    }
    const reply = await ben!.client.post(`/api/conversations/${group.id}/messages`, {
      content: await sealText(ben!, group.id, 'a reply'),
      replyToId: event!.id,
    });
    expect(reply.status).toBe(409);
    // Marking it delivered or read moves the watermark without giving the event receipts.
    await ben!.client.post(`/api/conversations/${group.id}/delivered`, { messageIds: [event!.id] });
    await ben!.client.post(`/api/conversations/${group.id}/read`);
    const [after] = await page(ana!, group.id);
    expect(after).toMatchObject({ id: event!.id, receipts: [], messageStatus: 'sent', reactions: [] });
  });
});
