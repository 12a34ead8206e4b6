import type { Conversation, PublicUser } from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { directChat, groupChat } from './helpers/chat.js';
import type { TestSocket } from './helpers/socket.js';

/**
 * Issue 8 item 14: presence (online, last seen) only between people who currently share a
 * conversation, and never across a block, whichever side blocked. Over HTTP (user lookups, search,
 * conversation member lists) and in the socket's user_online / user_offline events.
 */

let t: ListeningTestApp;

beforeAll(async () => {
  t = await createListeningApp();
});
afterEach(() => t.closeSockets());
afterAll(async () => {
  await t.close();
});

function connect(user: TestUser): Promise<TestSocket> {
  return t.connect(user.client.cookie);
}

/** Makes sure every event the server emitted to this socket before now has arrived. */
async function flush(socket: TestSocket): Promise<void> {
  await socket.emit('mark_read', { conversationId: '00000000-0000-4000-8000-000000000000' });
}

async function userAs(viewer: TestUser, target: TestUser): Promise<PublicUser> {
  const res = await viewer.client.get<PublicUser>(`/api/users/${target.id}`);
  expect(res.status).toBe(200);
  return res.body.data;
}

async function searchAs(viewer: TestUser, target: TestUser): Promise<PublicUser> {
  const res = await viewer.client.get<PublicUser[]>(`/api/users?search=${target.username}`);
  expect(res.status).toBe(200);
  const found = res.body.data.find((u) => u.id === target.id);
  expect(found).toBeDefined();
  return found!;
}

async function memberAs(viewer: TestUser, conversation: Conversation, target: TestUser): Promise<PublicUser> {
  const res = await viewer.client.get<Conversation>(`/api/conversations/${conversation.id}`);
  expect(res.status).toBe(200);
  const member = res.body.data.members.find((m) => m.user.id === target.id);
  expect(member).toBeDefined();
  return member!.user;
}

const hidden = { online: false, lastSeenAt: null };

/** Brings `user` online and back offline once (so that they have a last-seen time), then online. */
async function seenThenOnline(user: TestUser, watcher: TestSocket): Promise<TestSocket> {
  const first = await connect(user);
  await watcher.next('user_online', (e) => e.userId === user.id);
  first.close();
  await watcher.next('user_offline', (e) => e.userId === user.id);
  const socket = await connect(user);
  await watcher.next('user_online', (e) => e.userId === user.id);
  return socket;
}

describe('presence over HTTP', () => {
  it('shows online and last seen to a contact, and hides both from a stranger (lookup and search)', async () => {
    const [alice, contact, stranger] = [
      await registerUser(t.app),
      await registerUser(t.app),
      await registerUser(t.app),
    ];
    await directChat(alice, contact);
    await seenThenOnline(alice, await connect(contact));

    const seen = await userAs(contact, alice);
    expect(seen.online).toBe(true);
    expect(seen.lastSeenAt).not.toBeNull();
    expect(await searchAs(contact, alice)).toMatchObject({ online: true, lastSeenAt: seen.lastSeenAt });

    expect(await userAs(stranger, alice)).toMatchObject(hidden);
    expect(await searchAs(stranger, alice)).toMatchObject(hidden);
    // The rest of the public profile stays visible (needed to start a chat).
    expect(await userAs(stranger, alice)).toMatchObject({ id: alice.id, username: alice.username });
  });

  it('hides presence across a block, whichever side blocked, in lookups and member lists', async () => {
    const [alice, bob, carol] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(alice, bob);
    const group = await groupChat(alice, 'Presence', [bob, carol]);
    const carolSocket = await connect(carol);
    await seenThenOnline(alice, carolSocket);
    await seenThenOnline(bob, carolSocket);
    expect(await memberAs(bob, group, alice)).toMatchObject({ online: true });

    expect((await bob.client.put(`/api/users/${alice.id}/block`)).status).toBe(200);
    // The blocked one no longer sees the blocker ...
    expect(await userAs(alice, bob)).toMatchObject(hidden);
    expect(await memberAs(alice, chat, bob)).toMatchObject(hidden);
    expect(await memberAs(alice, group, bob)).toMatchObject(hidden);
    // ... nor the blocker the blocked one.
    expect(await userAs(bob, alice)).toMatchObject(hidden);
    expect(await memberAs(bob, group, alice)).toMatchObject(hidden);
    const blocks = await bob.client.get<PublicUser[]>('/api/blocks');
    expect(blocks.body.data.find((u) => u.id === alice.id)).toMatchObject(hidden);
    // Everyone else still does.
    expect(await memberAs(carol, group, alice)).toMatchObject({ online: true });
    expect(await memberAs(carol, group, bob)).toMatchObject({ online: true });
    const list = await carol.client.get<Conversation[]>('/api/conversations');
    const inList = list.body.data.find((c) => c.id === group.id)!.members.find((m) => m.user.id === bob.id);
    expect(inList?.user).toMatchObject({ online: true });

    // Unblocking restores it.
    expect((await bob.client.delete(`/api/users/${alice.id}/block`)).status).toBe(200);
    expect(await userAs(alice, bob)).toMatchObject({ online: true });
  });

  it('hides presence once the only shared group is left', async () => {
    const [alice, dave] = [await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(alice, 'Short-lived', [dave]);
    const daveSocket = await connect(dave);
    await seenThenOnline(alice, daveSocket);
    expect(await userAs(dave, alice)).toMatchObject({ online: true });
    expect((await dave.client.post(`/api/conversations/${group.id}/leave`)).status).toBe(200);
    expect(await userAs(dave, alice)).toMatchObject(hidden);
  });

  it('sends conversation updates without the presence of someone the receiver blocked', async () => {
    const [alice, bob] = [await registerUser(t.app), await registerUser(t.app)];
    const chat = await directChat(alice, bob);
    const aliceSocket = await connect(alice);
    await connect(bob);
    await aliceSocket.next('user_online', (e) => e.userId === bob.id);
    expect((await bob.client.put(`/api/users/${alice.id}/block`)).status).toBe(200);
    const update = await aliceSocket.next('conversation_updated', (c) => c.id === chat.id);
    expect(update.members.find((m) => m.user.id === bob.id)?.user).toMatchObject(hidden);
  });
});

describe('presence events over sockets', () => {
  it('announces a new group member with presence only to members without a block against them', async () => {
    const [carol, alice, dave] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(carol, 'Joining', [alice]);
    await directChat(carol, dave);
    expect((await alice.client.put(`/api/users/${dave.id}/block`)).status).toBe(200);
    const [carolSocket, aliceSocket] = [await connect(carol), await connect(alice)];
    await connect(dave);
    await carolSocket.next('user_online', (e) => e.userId === dave.id);
    expect((await carol.client.post(`/api/conversations/${group.id}/members`, { userIds: [dave.id] })).status).toBe(
      200,
    );
    const toCarol = await carolSocket.next('member_joined', (e) => e.member.user.id === dave.id);
    expect(toCarol.member.user.online).toBe(true);
    const toAlice = await aliceSocket.next('member_joined', (e) => e.member.user.id === dave.id);
    expect(toAlice.member.user).toMatchObject(hidden);
  });

  it('tells contacts when someone comes online and goes offline, never strangers or across a block', async () => {
    const [alice, contact, stranger, blocked, blocker] = [
      await registerUser(t.app),
      await registerUser(t.app),
      await registerUser(t.app),
      await registerUser(t.app),
      await registerUser(t.app),
    ];
    await directChat(alice, contact);
    // Both share a group with alice; one was blocked by alice, the other blocked her.
    await groupChat(contact, 'Mixed', [alice, blocked, blocker]);
    expect((await alice.client.put(`/api/users/${blocked.id}/block`)).status).toBe(200);
    expect((await blocker.client.put(`/api/users/${alice.id}/block`)).status).toBe(200);

    const watchers = {
      contact: await connect(contact),
      stranger: await connect(stranger),
      blocked: await connect(blocked),
      blocker: await connect(blocker),
    };
    const aliceSocket = await connect(alice);
    await watchers.contact.next('user_online', (e) => e.userId === alice.id);
    aliceSocket.close();
    await watchers.contact.next('user_offline', (e) => e.userId === alice.id);

    for (const [name, socket] of Object.entries(watchers).filter(([n]) => n !== 'contact')) {
      await flush(socket);
      const aboutAlice = socket.received.filter(
        (r) =>
          (r.event === 'user_online' || r.event === 'user_offline') &&
          (r.payload as { userId: string }).userId === alice.id,
      );
      expect(aboutAlice, name).toEqual([]);
    }
  });
});
