import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationMember, ServerEventPayload } from '@herald/shared';
import { useToasts } from '../components/ui/toast-store';
import { useConversations } from '../features/conversations/store';
import { conversation, user } from '../test-support/fixtures';
import { applyRoleChange } from './realtime';

const ME = user({ displayName: 'Carol' });
const BOB = user({ displayName: 'Bob' });
const DAVE = user({ displayName: 'Dave' });
const member = (u: typeof ME, role: ConversationMember['role']): ConversationMember => ({
  user: u,
  role,
  joinedAt: '2026-03-01T00:00:00.000Z',
});
const group = conversation({
  kind: 'group',
  title: 'Weekend plans',
  myRole: 'member',
  members: [member(BOB, 'owner'), member(ME, 'member'), member(DAVE, 'admin')],
});
const event = (
  userId: string,
  role: ConversationMember['role'],
  reason: 'changed' | 'inherited',
): ServerEventPayload<'member_role_changed'> => ({
  conversationId: group.id,
  userId: userId as never,
  role,
  reason,
});
const roles = () =>
  Object.fromEntries(useConversations.getState().byId[group.id]!.members.map((m) => [m.user.displayName, m.role]));
const lastToast = () => useToasts.getState().toasts.at(-1)?.text;

beforeEach(() => {
  useConversations.setState({ byId: { [group.id]: group }, loaded: true, presence: {}, typing: {} });
  useToasts.setState({ toasts: [] });
});

describe('membership and roles reach every member live (item 15)', () => {
  it('the owner leaves: everyone sees who owns the group now, without reloading', () => {
    useConversations.getState().memberLeft(group.id, BOB.id); // member_left
    applyRoleChange(event(DAVE.id, 'owner', 'inherited'), ME.id); // member_role_changed
    expect(roles()).toEqual({ Carol: 'member', Dave: 'owner' });
    expect(lastToast()).toBe('Dave is now the owner of “Weekend plans”.');
  });

  it('when I inherit it, my own role follows (what I may do), and I am told', () => {
    useConversations.getState().memberLeft(group.id, BOB.id);
    applyRoleChange(event(ME.id, 'owner', 'inherited'), ME.id);
    expect(useConversations.getState().byId[group.id]!.myRole).toBe('owner');
    expect(lastToast()).toBe('You are now the owner of “Weekend plans”.');
  });

  it('promotions and demotions: mine are announced, others only show in the member list', () => {
    applyRoleChange(event(DAVE.id, 'member', 'changed'), ME.id);
    expect(roles().Dave).toBe('member');
    expect(useToasts.getState().toasts).toEqual([]);
    applyRoleChange(event(ME.id, 'admin', 'changed'), ME.id);
    expect(useConversations.getState().byId[group.id]!.myRole).toBe('admin');
    expect(lastToast()).toBe('You are now an admin of “Weekend plans”.');
    applyRoleChange(event(ME.id, 'admin', 'changed'), ME.id); // a repeated event says nothing twice
    expect(useToasts.getState().toasts).toHaveLength(1);
  });
});
