import type { Conversation } from '@herald/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { registerUser, type TestUser } from './helpers/client.js';
import { groupChat } from './helpers/chat.js';

/**
 * Every membership and role change reaches every member live: an outside test found that a group
 * left by its owner looked ownerless to everyone until they reloaded.
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

describe('ownership and roles, live', () => {
  it('when the owner leaves, every remaining member is told who owns the group now', async () => {
    const [owner, alice, bob] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(owner, 'Club', [alice, bob]);
    // Bob is an admin: he inherits ownership (the oldest admin, else the oldest member).
    await owner.client.patch(`/api/conversations/${group.id}/members/${bob.id}`, { role: 'admin' });
    const [aliceSocket, bobSocket] = [await connect(alice), await connect(bob)];
    expect((await owner.client.post(`/api/conversations/${group.id}/leave`)).status).toBe(200);
    for (const socket of [aliceSocket, bobSocket]) {
      expect(await socket.next('member_left', (e) => e.conversationId === group.id)).toMatchObject({
        userId: owner.id,
        reason: 'left',
      });
      expect(await socket.next('member_role_changed', (e) => e.conversationId === group.id)).toEqual({
        conversationId: group.id,
        userId: bob.id,
        role: 'owner',
        reason: 'inherited',
      });
    }
    const view = await alice.client.get<Conversation>(`/api/conversations/${group.id}`);
    expect(view.body.data.members.find((m) => m.role === 'owner')?.user.id).toBe(bob.id);
  });

  it('an account deletion that ends an ownership says so too', async () => {
    const [owner, alice] = [await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(owner, 'Deleted owner', [alice]);
    const aliceSocket = await connect(alice);
    expect((await owner.client.delete('/api/users/me', { authKey: owner.authKey })).status).toBe(200);
    expect(await aliceSocket.next('member_role_changed', (e) => e.conversationId === group.id)).toMatchObject({
      userId: alice.id,
      role: 'owner',
      reason: 'inherited',
    });
  });

  it('a promotion or demotion reaches every member, the target included', async () => {
    const [owner, alice, bob] = [await registerUser(t.app), await registerUser(t.app), await registerUser(t.app)];
    const group = await groupChat(owner, 'Roles', [alice, bob]);
    const [aliceSocket, bobSocket] = [await connect(alice), await connect(bob)];
    await owner.client.patch(`/api/conversations/${group.id}/members/${alice.id}`, { role: 'admin' });
    for (const socket of [aliceSocket, bobSocket]) {
      expect(await socket.next('member_role_changed', (e) => e.conversationId === group.id)).toEqual({
        conversationId: group.id,
        userId: alice.id,
        role: 'admin',
        reason: 'changed',
      });
    }
  });
});
