import { beforeEach, describe, expect, it } from 'vitest';
import { conversation, selfUser, user } from '../test-support/fixtures';
import { useAuth } from '../features/auth/store';
import { useConversations } from '../features/conversations/store';
import { applyUserUpdated } from './user-updated';

const me = selfUser({ username: 'alice', displayName: 'Alice Liddell' });

beforeEach(() => {
  useAuth.setState({ status: 'signed-in', me, passwordWork: null });
});

describe('user_updated (issue 13, item 10)', () => {
  it('a user_updated event replaces the picture of that member in every chat this device holds', () => {
    const bob = user({ displayName: 'Bob' });
    const chat = conversation({
      kind: 'direct',
      members: [
        { user: me, role: 'member', joinedAt: me.createdAt },
        { user: bob, role: 'member', joinedAt: me.createdAt },
      ],
    });
    useConversations.setState({ byId: { [chat.id]: chat }, blocked: [] });
    applyUserUpdated({ ...bob, avatarUrl: `/api/users/${bob.id}/avatar?v=b` });
    const members = useConversations.getState().byId[chat.id]!.members;
    expect(members.find((m) => m.user.id === bob.id)!.user.avatarUrl).toBe(`/api/users/${bob.id}/avatar?v=b`);
    expect(members.find((m) => m.user.id === me.id)!.user.avatarUrl).toBeNull();
  });

  it('my own picture changed on another device: my view of myself follows', () => {
    useConversations.setState({ byId: {}, blocked: [] });
    applyUserUpdated({ ...me, avatarUrl: `/api/users/${me.id}/avatar?v=x` });
    expect(useAuth.getState().me!.avatarUrl).toBe(`/api/users/${me.id}/avatar?v=x`);
  });
});
