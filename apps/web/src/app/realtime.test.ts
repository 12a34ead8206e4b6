import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationMember, ServerEventPayload } from '@herald/shared';
import { useToasts } from '../components/ui/toast-store';
import { useConversations } from '../features/conversations/store';
import { conversation, message, scheduled, selfUser, user } from '../test-support/fixtures';
import { keyed, signInWithKeys, viewOf } from '../test-support/e2ee';
import { fakeServer } from '../test-support/network';
import { startRealtimeServer, type ServerSocket } from '../test-support/realtime-server';
import { useAuth } from '../features/auth/store';
import { useMessages } from '../features/messages/store';
import { useScheduling } from '../features/scheduling/store';
import { useKeyChanges, useKeyState, userKeys } from '../lib/e2ee';
import { useConnection } from './connection';
import { caughtUp } from './connection-catch-up';
import { applyRoleChange, connectRealtime, emitTyping } from './realtime';
import { navigate, paths } from './router';

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

describe('membership and roles reach every member live (item 15)', () => {
  beforeEach(() => {
    useConversations.setState({ byId: { [group.id]: group }, loaded: true, presence: {}, typing: {} });
    useToasts.setState({ toasts: [] });
  });

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

describe('the realtime bridge, connected to a real Socket.IO server', () => {
  let realtime: Awaited<ReturnType<typeof startRealtimeServer>>;
  beforeAll(async () => {
    realtime = await startRealtimeServer();
  });
  afterAll(() => realtime.close());

  const direct = conversation({
    id: crypto.randomUUID() as never,
    members: [member(ME, 'member'), member(BOB, 'member')],
  });
  const ids = (conversationId: string) => useMessages.getState().timelines[conversationId]?.messages.map((m) => m.id);

  /**
   * The routes a catch-up asks, answered with what the page holds (the server agrees with it),
   * first: a test's own routes, added after, take precedence.
   */
  function answersCatchUp(server = fakeServer()) {
    return server
      .on('GET', '/api/conversations', () => ({ data: Object.values(useConversations.getState().byId) }))
      .on('GET', '/api/auth/me', () => ({ data: { user: useAuth.getState().me } }))
      .on('GET', '/api/conversations/:id/messages', (call) => ({
        data: {
          messages: useMessages.getState().timelines[call.path.split('/')[3]!]?.messages ?? [],
          nextCursor: null,
        },
      }))
      .on('GET', '/api/scheduled-messages', () => ({ data: Object.values(useScheduling.getState().byId) }));
  }

  /** Connects as ME (the connection ends after each test, with the other module state), caught up. */
  async function connect(): Promise<{ socket: ServerSocket; stop: () => void }> {
    const connection = realtime.nextConnection();
    const stop = connectRealtime(ME.id);
    const socket = await connection;
    await vi.waitFor(() => expect(useConnection.getState().status).toBe('online'));
    await caughtUp();
    return { socket, stop };
  }

  /** Resolves once the client has handled everything emitted before (Socket.IO keeps the order). */
  let marks = 0;
  async function handled(socket: ServerSocket): Promise<void> {
    const userId = `mark-${++marks}`;
    socket.emit('user_online', { userId: userId as never });
    await vi.waitFor(() => expect(useConversations.getState().presence[userId]).toBeDefined());
  }

  beforeEach(() => {
    useConversations.setState({ byId: { [direct.id]: direct }, loaded: true });
    useAuth.setState({ status: 'signed-in', me: selfUser({ id: ME.id }) });
    answersCatchUp(); // every connect catches up; a test's own fakeServer() answers instead
  });

  it('connects (online), and ends the connection on teardown', async () => {
    const { socket, stop } = await connect();
    const typing = new Promise((resolve) => socket.once('typing', resolve));
    emitTyping(direct.id, true);
    await expect(typing).resolves.toEqual({ conversationId: direct.id, typing: true });
    const gone = new Promise((resolve) => socket.once('disconnect', resolve));
    stop();
    await expect(gone).resolves.toBe('client namespace disconnect');
    emitTyping(direct.id, false); // nothing to send it on: ignored
  });

  it('receive_message: into the timeline and the chat list once, however often it arrives; delivery confirmed once', async () => {
    const server = answersCatchUp().on('POST', `/api/conversations/${direct.id}/delivered`, () => ({ data: null }));
    const { socket } = await connect();
    const incoming = message({ conversationId: direct.id, senderId: BOB.id });
    socket.emit('receive_message', incoming);
    socket.emit('receive_message', incoming);
    await handled(socket);
    expect(ids(direct.id)).toEqual([incoming.id]);
    expect(useConversations.getState().byId[direct.id]).toMatchObject({
      unreadCount: 1,
      lastMessage: { id: incoming.id },
    });
    await vi.waitFor(() => expect(server.callsTo('POST', `/api/conversations/${direct.id}/delivered`)).toHaveLength(1));
    expect(server.callsTo('POST', /./).map((c) => c.body)).toEqual([{ messageIds: [incoming.id] }]);
  });

  it('message_status: my message shows it was read', async () => {
    const { socket } = await connect();
    const mine = message({ conversationId: direct.id, senderId: ME.id, messageStatus: 'sent' });
    useMessages.getState().receive(mine);
    socket.emit('message_status', {
      conversationId: direct.id,
      userId: BOB.id,
      status: 'read',
      at: '2026-03-10T10:01:00.000Z',
      messageIds: [mine.id],
    });
    await handled(socket);
    expect(useMessages.getState().timelines[direct.id]!.messages[0]!.messageStatus).toBe('read');
  });

  it('conversation_updated and conversation_removed: the list follows; removed from the chat on screen, I am taken home and told', async () => {
    answersCatchUp();
    const club = conversation({ id: crypto.randomUUID() as never, kind: 'group', title: 'Club' });
    useConversations.getState().upsert(club);
    const { socket } = await connect();
    socket.emit('conversation_updated', { ...direct, title: 'Renamed' });
    socket.emit('conversation_removed', { conversationId: direct.id, reason: 'deleted' }); // not on screen
    await handled(socket);
    expect(useConversations.getState().byId[direct.id]).toBeUndefined();
    expect(useToasts.getState().toasts).toEqual([]);

    navigate(paths.chat(club.id));
    socket.emit('conversation_removed', { conversationId: club.id, reason: 'removed' });
    await handled(socket);
    expect(useConversations.getState().byId[club.id]).toBeUndefined();
    expect(location.pathname).toBe('/');
    expect(lastToast()).toBe('You were removed from that group');
  });

  it('scheduled_message_sent: the list shows it sent and the timeline has the message once', async () => {
    const { socket } = await connect();
    const item = scheduled({ conversationId: direct.id, senderId: ME.id });
    useScheduling.getState().upsert(item, 'load');
    const delivered = message({ conversationId: direct.id, senderId: ME.id, scheduledMessageId: item.id });
    const sent = { ...item, status: 'sent' as const, version: 2, messageId: delivered.id };
    socket.emit('scheduled_message_sent', { scheduledMessageId: item.id, message: delivered, scheduledMessage: sent });
    socket.emit('receive_message', delivered); // a server that also sends it to the sender: still once
    await handled(socket);
    expect(useScheduling.getState().byId[item.id]).toMatchObject({ status: 'sent', messageId: delivered.id });
    expect(ids(direct.id)).toEqual([delivered.id]);
  });

  it('scheduled_message_failed: an error toast that says why, with Review opening the scheduled view', async () => {
    const { socket } = await connect();
    const item = scheduled({ conversationId: direct.id, senderId: ME.id });
    useScheduling.getState().upsert(item, 'load');
    socket.emit('scheduled_message_failed', {
      scheduledMessageId: item.id,
      code: 'recipient_unavailable',
      reason: 'The recipient blocked you.',
      scheduledMessage: { ...item, status: 'failed', version: 2, failureCode: 'recipient_unavailable' },
    });
    await handled(socket);
    expect(useScheduling.getState().byId[item.id]!.status).toBe('failed');
    const shown = useToasts.getState().toasts.at(-1)!;
    expect(shown).toMatchObject({
      text: 'A scheduled message was not sent: The recipient blocked you.',
      tone: 'error',
    });
    expect(shown.action?.label).toBe('Review');
    shown.action!.onAction();
    expect(location.pathname).toBe(paths.scheduled);
  });

  it('catches up on every connect that did not recover, the first one included: chats, me, the open chat, the loaded scheduled lists', async () => {
    const missed = message({ conversationId: direct.id, senderId: BOB.id });
    const item = scheduled({ conversationId: direct.id, senderId: ME.id });
    let sent: (typeof missed)[] = [];
    const server = fakeServer()
      .on('GET', '/api/conversations', () => ({ data: [direct] }))
      .on('GET', '/api/auth/me', () => ({ data: { user: selfUser({ id: ME.id }) } }))
      .on('GET', `/api/conversations/${direct.id}/messages`, () => ({ data: { messages: sent, nextCursor: null } }))
      .on('GET', '/api/scheduled-messages', () => ({ data: [item] }));
    useScheduling.setState({ loaded: { [direct.id]: true } });
    navigate(paths.chat(direct.id));
    const asked = (calls: typeof server.calls) => calls.map((c) => `${c.method} ${c.path}`).sort();
    const catchUpCalls = asked([
      { method: 'GET', path: '/api/auth/me' },
      { method: 'GET', path: '/api/conversations' },
      { method: 'GET', path: `/api/conversations/${direct.id}/messages` },
      { method: 'GET', path: '/api/scheduled-messages' },
    ] as typeof server.calls);
    const { socket } = await connect();
    expect(asked(server.calls)).toEqual(catchUpCalls);
    expect(server.callsTo('GET', '/api/scheduled-messages')[0]!.query.get('conversationId')).toBe(direct.id);
    const before = server.calls.length;

    sent = [missed];
    const again = realtime.nextConnection();
    socket.conn.close(); // the connection drops; the client reconnects by itself (not recovered: no recovery here)
    await again;
    await vi.waitFor(() => expect(ids(direct.id)).toEqual([missed.id]));
    await caughtUp();
    expect(asked(server.calls.slice(before))).toEqual(catchUpCalls);
    expect(useScheduling.getState().byId[item.id]).toBeDefined();
  });

  it("a message sent between the page's first load and its socket's first connect is shown after the connect, once", async () => {
    navigate(paths.home);
    // The page loaded the chat, and its timeline (opened earlier), before Bob wrote.
    useMessages.getState().mergeLatestPage(direct.id, { messages: [], nextCursor: null });
    const early = message({ conversationId: direct.id, senderId: BOB.id });
    // Bob wrote before this page's socket connected: no socket of ours was sent it.
    answersCatchUp()
      .on('GET', '/api/conversations', () => ({
        data: [{ ...direct, lastMessage: early, lastActivityAt: early.createdAt, unreadCount: 1 }],
      }))
      .on('GET', `/api/conversations/${direct.id}/messages`, () => ({ data: { messages: [early], nextCursor: null } }))
      .on('POST', `/api/conversations/${direct.id}/delivered`, () => ({ data: null }));
    const { socket } = await connect();
    expect(ids(direct.id)).toEqual([early.id]);
    expect(useConversations.getState().byId[direct.id]).toMatchObject({
      unreadCount: 1,
      lastMessage: { id: early.id },
    });

    socket.emit('receive_message', early); // a live copy as well (it was sent as the socket joined): still once
    await handled(socket);
    expect(ids(direct.id)).toEqual([early.id]);
    expect(useConversations.getState().byId[direct.id]!.unreadCount).toBe(1);
  });

  it.each([
    { listed: 'without it', listHasIt: false },
    { listed: 'with it already', listHasIt: true },
  ])(
    "a message that arrives while the catch-up's chat list is on its way ($listed) is counted once",
    async ({ listHasIt }) => {
      navigate(paths.home);
      const first = message({ conversationId: direct.id, senderId: BOB.id, createdAt: '2026-03-10T10:00:00.000Z' });
      const second = message({ conversationId: direct.id, senderId: BOB.id, createdAt: '2026-03-10T10:01:00.000Z' });
      const last = listHasIt ? second : first;
      let listAsked!: () => void;
      let answerList!: () => void;
      const asked = new Promise<void>((resolve) => (listAsked = resolve));
      const answered = new Promise<void>((resolve) => (answerList = resolve));
      answersCatchUp()
        .on('GET', '/api/conversations', async () => {
          listAsked();
          await answered;
          return {
            data: [{ ...direct, lastMessage: last, lastActivityAt: last.createdAt, unreadCount: listHasIt ? 2 : 1 }],
          };
        })
        .on('POST', `/api/conversations/${direct.id}/delivered`, () => ({ data: null }));
      const connection = realtime.nextConnection();
      connectRealtime(ME.id);
      const socket = await connection;
      await asked;
      socket.emit('receive_message', second); // live, while the list is on its way
      await handled(socket);
      answerList();
      await vi.waitFor(() => expect(useConversations.getState().byId[direct.id]!.lastMessage?.id).toBe(second.id));
      await caughtUp();
      expect(useConversations.getState().byId[direct.id]).toMatchObject({
        unreadCount: 2,
        lastMessage: { id: second.id },
      });
    },
  );

  it("the page's first chat list, answered after the catch-up's, does not replace it", async () => {
    const newer = message({ conversationId: direct.id, senderId: BOB.id });
    let answerFirst!: () => void;
    const firstAnswered = new Promise<void>((resolve) => (answerFirst = resolve));
    let lists = 0;
    answersCatchUp()
      .on('GET', '/api/conversations', async () => {
        if (++lists === 1) {
          await firstAnswered;
          return { data: [direct] }; // the page's load, taken before Bob wrote, answered last
        }
        return { data: [{ ...direct, lastMessage: newer, lastActivityAt: newer.createdAt, unreadCount: 1 }] };
      })
      .on('POST', `/api/conversations/${direct.id}/delivered`, () => ({ data: null }));
    const pageLoad = useConversations.getState().load();
    await connect();
    answerFirst();
    await pageLoad;
    expect(useConversations.getState().byId[direct.id]).toMatchObject({
      unreadCount: 1,
      lastMessage: { id: newer.id },
    });
  });

  it('when the server ends the connection, asks whether the session still stands and reconnects if so', async () => {
    const server = answersCatchUp()
      .on('GET', '/api/auth/me', () => ({ data: { user: selfUser({ id: ME.id }) } }))
      .on('GET', '/api/conversations', () => ({ data: [direct] }));
    const { socket } = await connect();
    const again = realtime.nextConnection();
    socket.disconnect(true); // "io server disconnect": the client does not reconnect by itself
    await again;
    expect(server.callsTo('GET', '/api/auth/me').length).toBeGreaterThanOrEqual(1);
    await vi.waitFor(() => expect(useConnection.getState().status).toBe('online'));
  });

  it('a handshake refused for now (the database is down: not_ready) is tried again when the server said, without signing out', async () => {
    const server = answersCatchUp();
    realtime.refuseNext('not_ready', { retryAfterSeconds: 1 });
    const connection = realtime.nextConnection();
    connectRealtime(ME.id);
    await connection; // Socket.IO itself does not retry a refused handshake
    await vi.waitFor(() => expect(useConnection.getState().status).toBe('online'));
    expect(server.callsTo('GET', '/api/auth/me').length).toBeGreaterThanOrEqual(1); // the catch-up's, not a sign-out check
    expect(useAuth.getState().status).toBe('signed-in');
  });

  it("user_keys_changed: a contact's new keys replace the cached ones and raise the notice; my own lock this device", async () => {
    const me = keyed(crypto.randomUUID());
    const bob = keyed(crypto.randomUUID());
    const server = answersCatchUp().on('GET', '/api/auth/me', () => ({
      data: { user: selfUser({ id: me.userId as never }) },
    }));
    await signInWithKeys(server, me, { [direct.id]: [me, bob] });
    await userKeys(bob.userId); // seen once
    const stop = connectRealtime(me.userId);
    const socket = await realtime.nextConnection();
    const bobAgain = keyed(bob.userId);
    socket.emit('user_keys_changed', viewOf(bobAgain));
    await handled(socket);
    expect(useKeyChanges.getState().changed[bob.userId]).toBeDefined();
    await expect(userKeys(bob.userId)).resolves.toEqual(viewOf(bobAgain));
    expect(server.callsTo('GET', `/api/users/${bob.userId}/keys`)).toHaveLength(1);

    socket.emit('user_keys_changed', viewOf(me)); // my own change, echoed: nothing to do
    await handled(socket);
    expect(useKeyState.getState().status).toBe('unlocked');
    socket.emit('user_keys_changed', viewOf(keyed(me.userId))); // replaced from another device
    await vi.waitFor(() => expect(useKeyState.getState().status).toBe('locked'));
    expect(useAuth.getState().status).toBe('locked');
    stop();
  });
});
