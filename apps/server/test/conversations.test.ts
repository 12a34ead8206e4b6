import type { Conversation, Message } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { ApiClient, registerUser, type TestUser } from './helpers/client.js';
import { directChat, groupChat, sendText } from './helpers/chat.js';
import { openText, openTexts, recipientsOf, sealContent } from './helpers/e2ee.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const ids = (c: Conversation) => c.members.map((m) => m.user.id).sort();

describe('direct chats', () => {
  it('creates one between exactly two users, and returns the same one the second time', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    const first = await a.client.post<Conversation>('/api/conversations/direct', { userId: b.id });
    expect(first.status).toBe(201);
    expect(first.body.data.kind).toBe('direct');
    expect(ids(first.body.data)).toEqual([a.id, b.id].sort());
    const again = await a.client.post<Conversation>('/api/conversations/direct', { userId: b.id });
    expect(again.status).toBe(200);
    expect(again.body.data.id).toBe(first.body.data.id);
    const fromB = await b.client.post<Conversation>('/api/conversations/direct', { userId: a.id });
    expect(fromB.body.data.id).toBe(first.body.data.id);
  });

  it('refuses a chat with oneself, with an unknown user, and across a block either way', async () => {
    const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
    expect((await a.client.post('/api/conversations/direct', { userId: a.id })).status).toBe(400);
    expect(
      (await a.client.post('/api/conversations/direct', { userId: '00000000-0000-4000-8000-000000000000' })).status,
    ).toBe(404);
    expect((await b.client.put(`/api/users/${a.id}/block`)).status).toBe(200);
    const blocked = await a.client.post('/api/conversations/direct', { userId: b.id });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('recipient_unavailable');
    const blocker = await b.client.post('/api/conversations/direct', { userId: a.id });
    expect(blocker.status).toBe(403);
    expect(blocker.body.error.code).toBe('recipient_unavailable');
  });
});

describe('groups', () => {
  let owner: TestUser, alice: TestUser, bob: TestUser, carol: TestUser;
  beforeAll(async () => {
    [owner, alice, bob, carol] = [
      await registerUser(t.app),
      await registerUser(t.app),
      await registerUser(t.app),
      await registerUser(t.app),
    ];
  });

  it('creates a group with its creator as owner', async () => {
    const group = await groupChat(owner, 'Trip', [alice, bob]);
    expect(group).toMatchObject({ kind: 'group', title: 'Trip', myRole: 'owner', unreadCount: 0 });
    expect(ids(group)).toEqual([owner.id, alice.id, bob.id].sort());
  });

  it('lets admins add, remove, promote and rename; members cannot', async () => {
    const group = await groupChat(owner, 'Team', [alice]);
    const url = `/api/conversations/${group.id}`;
    expect((await alice.client.post(`${url}/members`, { userIds: [bob.id] })).body.error.code).toBe('not_admin');
    expect((await alice.client.patch(url, { title: 'Mine' })).status).toBe(403);
    expect((await owner.client.post(`${url}/members`, { userIds: [bob.id, carol.id] })).status).toBe(200);
    expect((await owner.client.patch(`${url}/members/${alice.id}`, { role: 'admin' })).status).toBe(200);
    // Alice is admin now: she can rename and remove a member, but not the owner.
    const renamed = await alice.client.patch<Conversation>(url, { title: 'Renamed' });
    expect(renamed.body.data.title).toBe('Renamed');
    expect((await alice.client.delete(`${url}/members/${carol.id}`)).status).toBe(200);
    expect((await alice.client.delete(`${url}/members/${owner.id}`)).status).toBe(403);
    const after = await owner.client.get<Conversation>(url);
    expect(ids(after.body.data)).toEqual([owner.id, alice.id, bob.id].sort());
    // The removed member now sees nothing of it.
    expect((await carol.client.get(url)).status).toBe(404);
    expect((await carol.client.get(`${url}/messages`)).status).toBe(404);
  });

  it('passes ownership on when the owner leaves', async () => {
    const boss = await registerUser(t.app);
    const group = await groupChat(boss, 'Heirs', [alice, bob]);
    await boss.client.patch(`/api/conversations/${group.id}/members/${bob.id}`, { role: 'admin' });
    expect((await boss.client.post(`/api/conversations/${group.id}/leave`)).status).toBe(200);
    const seen = await alice.client.get<Conversation>(`/api/conversations/${group.id}`);
    expect(seen.body.data.members.find((m) => m.user.id === bob.id)?.role).toBe('owner');
    expect(seen.body.data.members.some((m) => m.user.id === boss.id)).toBe(false);
  });

  it('refuses leaving a direct chat (delete it instead)', async () => {
    const chat = await directChat(alice, bob);
    expect((await alice.client.post(`/api/conversations/${chat.id}/leave`)).status).toBe(409);
  });

  it('lets a member who left be added back, seeing only new messages', async () => {
    const group = await groupChat(owner, 'Return', [alice]);
    await sendText(owner, group.id, 'before');
    await alice.client.post(`/api/conversations/${group.id}/leave`);
    await sendText(owner, group.id, 'while away');
    t.clock.advance(1000);
    await owner.client.post(`/api/conversations/${group.id}/members`, { userIds: [alice.id] });
    t.clock.advance(1000);
    await sendText(owner, group.id, 'after');
    const page = await alice.client.get<{ messages: Message[] }>(`/api/conversations/${group.id}/messages`);
    // From her return: the timeline line that added her back, then the new message.
    const [added, ...messages] = [...page.body.data.messages].reverse();
    expect(added!.event).toMatchObject({ kind: 'members_added', userIds: [alice.id] });
    expect(await openTexts(alice, messages.reverse())).toEqual(['after']);
  });
});

describe('temporary mode', () => {
  it('accepts only the fixed lifetimes, from members of a direct chat and admins of a group', async () => {
    const [a, b, c] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(a, b);
    const set = await b.client.patch<Conversation>(`/api/conversations/${chat.id}`, { temporaryTtlSeconds: 86_400 });
    expect(set.status).toBe(200);
    expect(set.body.data.temporaryTtlSeconds).toBe(86_400);
    expect((await a.client.patch(`/api/conversations/${chat.id}`, { temporaryTtlSeconds: 123 })).status).toBe(400);
    expect((await a.client.patch(`/api/conversations/${chat.id}`, { temporaryTtlSeconds: null })).status).toBe(200);
    const group = await groupChat(a, 'G', [b]);
    expect((await b.client.patch(`/api/conversations/${group.id}`, { temporaryTtlSeconds: 3600 })).status).toBe(403);
    expect((await c.client.patch(`/api/conversations/${group.id}`, { temporaryTtlSeconds: 3600 })).status).toBe(404);
  });
});

describe('listing and deleting chats', () => {
  it('lists my conversations by last activity, with last message, unread count and members', async () => {
    const [me, x, y] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const cx = await directChat(me, x);
    t.clock.advance(1000);
    const cy = await directChat(me, y);
    t.clock.advance(1000);
    await sendText(x, cx.id, 'hello from x');
    const list = await me.client.get<Conversation[]>('/api/conversations');
    expect(list.body.data.map((c) => c.id)).toEqual([cx.id, cy.id]);
    expect(list.body.data[0]).toMatchObject({ unreadCount: 1, lastMessage: { senderId: x.id } });
    expect(await openText(me, list.body.data[0]!.lastMessage!)).toBe('hello from x');
    expect(list.body.data[0]!.members.every((m) => typeof m.user.online === 'boolean')).toBe(true);
    await me.client.post(`/api/conversations/${cx.id}/read`);
    expect((await me.client.get<Conversation[]>('/api/conversations')).body.data[0]!.unreadCount).toBe(0);
  });

  it('"delete chat" hides it and its history for me only, until a new message arrives', async () => {
    const [me, other] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(me, other);
    await sendText(other, chat.id, 'old news');
    t.clock.advance(1000);
    expect((await me.client.delete(`/api/conversations/${chat.id}`)).status).toBe(200);
    expect((await me.client.get<Conversation[]>('/api/conversations')).body.data).toEqual([]);
    // The other side keeps everything.
    const theirs = await other.client.get<{ messages: unknown[] }>(`/api/conversations/${chat.id}/messages`);
    expect(theirs.body.data.messages).toHaveLength(1);
    t.clock.advance(1000);
    await sendText(other, chat.id, 'new news');
    const mine = await me.client.get<Conversation[]>('/api/conversations');
    expect(mine.body.data.map((c) => c.id)).toEqual([chat.id]);
    const page = await me.client.get<{ messages: Message[] }>(`/api/conversations/${chat.id}/messages`);
    expect(await openTexts(me, page.body.data.messages)).toEqual(['new news']);
  });
});

describe('authorization: not yours looks like missing', () => {
  it('answers every conversation route by actor: owner, co-member, non-member, removed member, anonymous', async () => {
    const [owner, member, stranger, removed] = [
      await registerUser(t.app),
      await registerUser(t.app),
      await registerUser(t.app),
      await registerUser(t.app),
    ];
    const group = await groupChat(owner, 'Authz', [member, removed]);
    const message = await sendText(owner, group.id, 'hi');
    await owner.client.delete(`/api/conversations/${group.id}/members/${removed.id}`);
    const anonymous = { client: new ApiClient(t.app) } as TestUser;
    const base = `/api/conversations/${group.id}`;
    // Each actor sends a well-formed envelope, sealed by them for the current members (and
    // themself): a refusal is about who sends, not about the content.
    const members = recipientsOf([owner, member]);
    const sealedBy = async (u: TestUser) => (u.keys ? sealContent(u, group.id, 'x', { recipients: members }) : 'x');
    const routes: [string, (u: TestUser) => Promise<{ status: number }>][] = [
      ['get', (u) => u.client.get(base)],
      ['messages', (u) => u.client.get(`${base}/messages`)],
      ['send', async (u) => u.client.post(`${base}/messages`, { content: await sealedBy(u) })],
      ['read', (u) => u.client.post(`${base}/read`)],
      ['delivered', (u) => u.client.post(`${base}/delivered`, { messageIds: [message.id] })],
      ['rename', (u) => u.client.patch(base, { title: 'x' })],
      ['add', (u) => u.client.post(`${base}/members`, { userIds: [stranger.id] })],
      ['react', (u) => u.client.put(`/api/messages/${message.id}/reaction`, { emoji: '👍' })],
      ['unreact', (u) => u.client.delete(`/api/messages/${message.id}/reaction`)],
    ];
    for (const [name, call] of routes) {
      expect([name, (await call(stranger)).status]).toEqual([name, 404]);
      expect([name, (await call(removed)).status]).toEqual([name, 404]);
      expect([name, (await call(anonymous)).status]).toEqual([name, 401]);
      const memberStatus = (await call(member)).status;
      expect([name, memberStatus < 300 || memberStatus === 403]).toEqual([name, true]);
    }
    expect((await owner.client.get(base)).status).toBe(200);
    // A malformed id is missing too.
    expect((await owner.client.get('/api/conversations/not-an-id')).status).toBe(404);
  });
});
