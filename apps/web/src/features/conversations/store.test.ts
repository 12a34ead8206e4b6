import { beforeEach, describe, expect, it } from 'vitest';
import { fakeServer } from '../../test-support/network';
import { conversation, message, user } from '../../test-support/fixtures';
import { sortConversations, typingUserIds, useConversations } from './store';

const A = conversation({
  id: 'c0000000-0000-4000-8000-00000000000a' as never,
  lastActivityAt: '2026-03-10T09:00:00.000Z',
});
const B = conversation({
  id: 'c0000000-0000-4000-8000-00000000000b' as never,
  lastActivityAt: '2026-03-10T08:00:00.000Z',
});

beforeEach(() => useConversations.setState({ byId: { [A.id]: A, [B.id]: B }, loaded: true, typing: {}, presence: {} }));

describe('conversations store', () => {
  it('moves a chat up on a new message and counts it unread once', () => {
    const m = message({ conversationId: B.id, createdAt: '2026-03-10T10:00:00.000Z' });
    useConversations.getState().applyMessage(m, { mine: false, visible: false });
    useConversations.getState().applyMessage(m, { mine: false, visible: false }); // duplicate event
    const list = sortConversations(useConversations.getState().byId);
    expect(list.map((c) => c.id)).toEqual([B.id, A.id]);
    expect(list[0]!.unreadCount).toBe(1);
    expect(list[0]!.lastMessage?.id).toBe(m.id);
  });

  it('does not count my own or on-screen messages as unread', () => {
    useConversations.getState().applyMessage(message({ conversationId: A.id, createdAt: '2026-03-10T10:00:00.000Z' }), {
      mine: true,
      visible: false,
    });
    useConversations.getState().applyMessage(message({ conversationId: A.id, createdAt: '2026-03-10T10:01:00.000Z' }), {
      mine: false,
      visible: true,
    });
    expect(useConversations.getState().byId[A.id]!.unreadCount).toBe(0);
  });

  it('typing signals lapse, and a message from the typist ends them', () => {
    const u = 'u0000000-0000-4000-8000-0000000000aa';
    useConversations.getState().setTyping(A.id, u, true, 1000);
    expect(typingUserIds(useConversations.getState().typing[A.id], 2000)).toEqual([u]);
    expect(typingUserIds(useConversations.getState().typing[A.id], 10_000)).toEqual([]);
    useConversations.getState().setTyping(A.id, u, true, Date.now());
    useConversations
      .getState()
      .applyMessage(message({ conversationId: A.id, senderId: u as never, createdAt: '2026-03-10T11:00:00.000Z' }), {
        mine: false,
        visible: false,
      });
    expect(typingUserIds(useConversations.getState().typing[A.id], Date.now())).toEqual([]);
  });

  it('keeps the "N scheduled" count from going negative', () => {
    useConversations.getState().adjustScheduledCount(A.id, -1);
    expect(useConversations.getState().byId[A.id]!.scheduledPendingCount).toBe(0);
    useConversations.getState().adjustScheduledCount(A.id, 2);
    expect(useConversations.getState().byId[A.id]!.scheduledPendingCount).toBe(2);
  });
});

describe('conversations store: answers that arrive after I left', () => {
  it('a role change answered after I left the group does not bring it back, nor fetch it', async () => {
    let answer: (() => void) | undefined;
    const server = fakeServer().on('PATCH', /\/members\//, () => ({ data: A }));
    const pending = new Promise<void>((resolve) => (answer = resolve));
    server.fetch.mockImplementationOnce(async () => {
      await pending;
      return new Response(JSON.stringify({ success: true, message: 'OK', data: A }), { status: 200 });
    });
    const setting = useConversations.getState().setRole(A.id, 'u0000000-0000-4000-8000-0000000000dd', 'admin');
    useConversations.getState().remove(A.id); // I left meanwhile
    answer!();
    await setting;
    expect(useConversations.getState().byId[A.id]).toBeUndefined();
    expect(server.callsTo('GET', `/api/conversations/${A.id}`)).toHaveLength(0);
  });
});

describe('conversations store: people who leave', () => {
  it('keeps the name of someone who left while the page is open', () => {
    const bob = { user: { ...user(), displayName: 'Bob' }, role: 'member' as const, joinedAt: A.createdAt };
    useConversations.setState({ byId: { [A.id]: { ...A, kind: 'group', members: [bob] } }, formerNames: {} });
    useConversations.getState().memberLeft(A.id, bob.user.id);
    expect(useConversations.getState().byId[A.id]!.members).toEqual([]);
    expect(useConversations.getState().formerNames[A.id]).toEqual({ [bob.user.id]: 'Bob' });
  });
});
