import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Message, ServerEventPayload, ServerToClientEvents } from '@herald/shared';
import { toast, useToasts } from '../components/ui/toast-store';
import { applyUserUpdated } from './user-updated';
import { useAuth } from '../features/auth/store';
import { useConversations } from '../features/conversations/store';
import { useOneTimeOpens } from '../features/media/opens-store';
import { useMessages } from '../features/messages/store';
import { useScheduling } from '../features/scheduling/store';
import { currentRing, membersChanged, userKeysChanged } from '../lib/e2ee';
import { registerReset } from '../lib/resets';
import { useConnection } from './connection';
import { applyDeletedMessages, applyUpdatedMessage } from './message-change-events';
import { catchUp, noteLiveMessage, noteLiveRemoval } from './connection-catch-up';
import { notifyIncoming } from './notifications';
import { navigate, parseRoute, paths } from './router';

export type HeraldSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: HeraldSocket | null = null;
/** Ends the current connection (the function connectRealtime returned), if any. */
let disconnectCurrent: (() => void) | null = null;

/** The conversation on screen (and the tab visible), if any. */
export function activeConversationId(): string | null {
  const route = parseRoute(location.pathname, location.search);
  return route.name === 'chat' ? route.id : null;
}

function visibleConversation(id: string): boolean {
  return activeConversationId() === id && document.visibilityState === 'visible';
}

// Receipts for messages that reached this device, batched per conversation.
const deliveredQueue = new Map<string, Set<string>>();
let deliveredTimer: ReturnType<typeof setTimeout> | null = null;
function queueDelivered(message: Message) {
  const set = deliveredQueue.get(message.conversationId) ?? new Set<string>();
  set.add(message.id);
  deliveredQueue.set(message.conversationId, set);
  deliveredTimer ??= setTimeout(() => {
    deliveredTimer = null;
    for (const [conversationId, ids] of deliveredQueue) {
      useConversations
        .getState()
        .markDelivered(conversationId, [...ids])
        .catch(() => {});
    }
    deliveredQueue.clear();
  }, 300);
}

function dropDelivered(): void {
  if (deliveredTimer) clearTimeout(deliveredTimer);
  deliveredTimer = null;
  deliveredQueue.clear();
}

// Tests: a connection left open, and receipts not yet sent, end with the test.
registerReset(() => {
  disconnectCurrent?.();
  dropDelivered();
});

/** A message in the chat list: last message, activity, unread count (a chat we did not know is fetched). */
function applyToChatList(message: Message, myId: string): void {
  const conversations = useConversations.getState();
  if (!conversations.byId[message.conversationId]) {
    // A chat we did not know (someone started it, or it was hidden and came back).
    conversations.refresh(message.conversationId).catch(() => {});
    return;
  }
  // A timeline event ("Ana added Ben") is the chat's last entry but never unread, like my own.
  const mine = message.senderId === myId || message.contentType === 'event';
  conversations.applyMessage(message, { mine, visible: visibleConversation(message.conversationId) });
}

/** A message reached us (live, or as the result of a scheduled delivery): every store hears of it. */
export function applyIncomingMessage(message: Message, myId: string): void {
  noteLiveMessage(message);
  useMessages.getState().receive(message);
  applyToChatList(message, myId);
  // Timeline events are the server's: no notification, no delivered or read receipt for them.
  if (message.senderId !== myId && message.contentType !== 'event') {
    void notifyIncoming(message, myId).catch(() => {});
    queueDelivered(message);
    if (visibleConversation(message.conversationId)) {
      useConversations
        .getState()
        .markRead(message.conversationId)
        .catch(() => {});
    }
  }
}

/**
 * A member's role changed: every member's screen follows at once (roles, what I may do), and
 * people are told what matters to them: who owns a group whose owner left, and changes to their
 * own role. Others' promotions show in the group info without a toast.
 */
export function applyRoleChange(event: ServerEventPayload<'member_role_changed'>, myId: string): void {
  const store = useConversations.getState();
  const conversation = store.byId[event.conversationId];
  if (!conversation) return;
  const before = conversation.members.find((m) => m.user.id === event.userId)?.role;
  store.memberRoleChanged(event.conversationId, event.userId, event.role, myId);
  if (before === event.role) return;
  const group = conversation.title ? `“${conversation.title}”` : 'this group';
  const me = event.userId === myId;
  const name = conversation.members.find((m) => m.user.id === event.userId)?.user.displayName ?? 'A member';
  if (event.reason === 'inherited') {
    toast.info(me ? `You are now the owner of ${group}.` : `${name} is now the owner of ${group}.`);
  } else if (me) {
    toast.info(
      event.role === 'admin' ? `You are now an admin of ${group}.` : `You are no longer an admin of ${group}.`,
    );
  }
}

/**
 * Someone's keys changed: caches drop them (and "X's security key changed" shows where they were
 * seen before). My own keys replaced from another device: this device's keys are stale, so it
 * locks (the unlock screen opens the new bundle with the password).
 */
export function applyKeysChanged(keys: ServerEventPayload<'user_keys_changed'>, myId: string): void {
  if (keys.userId !== myId) {
    userKeysChanged(keys);
    return;
  }
  const ring = currentRing();
  if (ring && ring.publicKeys.x25519PublicKey === keys.x25519PublicKey) return;
  void useAuth.getState().keysReplaced();
}

/**
 * The realtime bridge: one Socket.IO connection (the session cookie authenticates it), whose
 * events are dispatched into the feature stores. Returns a function that disconnects.
 */
export function connectRealtime(myId: string): () => void {
  const s: HeraldSocket = io({ path: '/socket.io', withCredentials: true, reconnectionDelayMax: 5000 });
  socket = s;
  const connection = useConnection.getState();
  connection.set('connecting');

  s.on('connect', () => {
    useConnection.getState().set('online');
    // Recovered: the server sent what we missed, in order. Otherwise (the first connect too: what
    // happened since the page loaded its data went to no socket of ours), ask over HTTP.
    if (!s.recovered) {
      void catchUp({
        activeConversationId: activeConversationId(),
        applyToChatList: (message) => applyToChatList(message, myId),
      });
    }
  });
  s.on('disconnect', (reason) => {
    useConnection.getState().set('offline');
    // The server ended the session (signed out everywhere, password changed, account deleted).
    // When this device is the one changing the password, its new session cookie comes with the
    // answer, after the server has ended the sockets: ask only once that answer is in.
    if (reason === 'io server disconnect') {
      void (async () => {
        await useAuth.getState().sessionChange?.catch(() => {});
        await useAuth.getState().refreshMe();
        if (useAuth.getState().status === 'signed-in') s.connect();
      })();
    }
  });
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  s.on('connect_error', (error) => {
    useConnection.getState().set('offline');
    // Socket.IO retries transport failures by itself; a handshake the server refused it does not.
    if (s.active) return;
    const wait = handshakeRetryMs(error);
    if (wait !== undefined) {
      // "Not now" (the database is down or busy): the session is fine; ask again when told to.
      retryTimer = setTimeout(() => s.connect(), wait);
      return;
    }
    void useAuth.getState().refreshMe();
  });

  s.on('receive_message', (message) => applyIncomingMessage(message, myId));
  s.on('message_status', (event) => useMessages.getState().applyStatus(event));
  s.on('message_deleted', (event) => applyDeletedMessages(event));
  s.on('message_updated', (message) => applyUpdatedMessage(message));
  s.on('reaction_updated', (event) =>
    useMessages.getState().setReactions(event.conversationId, event.messageId, event.reactions),
  );
  s.on('media_opened', (event) => useOneTimeOpens.getState().set(event.messageId, event.openedBy));
  s.on('conversation_updated', (conversation) => useConversations.getState().upsert(conversation));
  s.on('conversation_removed', ({ conversationId, reason }) => {
    noteLiveRemoval(conversationId);
    useConversations.getState().remove(conversationId);
    if (activeConversationId() === conversationId) {
      navigate(paths.home, { replace: true });
      if (reason === 'removed') toast.info('You were removed from that group');
    }
  });
  // Members changed: the next seal fetches the new member list and keys.
  s.on('member_joined', ({ conversationId, member }) => {
    membersChanged(conversationId);
    useConversations.getState().memberJoined(conversationId, member);
  });
  s.on('member_left', ({ conversationId, userId }) => {
    membersChanged(conversationId);
    useConversations.getState().memberLeft(conversationId, userId);
  });
  s.on('user_keys_changed', (keys) => applyKeysChanged(keys, myId));
  s.on('user_updated', applyUserUpdated);
  s.on('member_role_changed', (event) => applyRoleChange(event, myId));
  s.on('typing', ({ conversationId, userId, typing }) => {
    if (userId !== myId) useConversations.getState().setTyping(conversationId, userId, typing);
  });
  s.on('user_online', ({ userId }) =>
    useConversations.getState().setPresence(userId, {
      online: true,
      lastSeenAt: useConversations.getState().presence[userId]?.lastSeenAt ?? null,
    }),
  );
  s.on('user_offline', ({ userId, lastSeenAt }) =>
    useConversations.getState().setPresence(userId, { online: false, lastSeenAt }),
  );

  const scheduling = () => useScheduling.getState();
  s.on('scheduled_message_created', (item) => scheduling().upsert(item));
  s.on('scheduled_message_updated', (item) => scheduling().upsert(item));
  s.on('scheduled_message_cancelled', (item) => scheduling().upsert(item));
  s.on('scheduled_message_retrying', (event) => scheduling().upsert(event.scheduledMessage));
  s.on('scheduled_message_sent', (event) => {
    scheduling().upsert(event.scheduledMessage);
    applyIncomingMessage(event.message, myId);
  });
  s.on('scheduled_message_failed', (event) => {
    scheduling().upsert(event.scheduledMessage);
    useToasts.getState().show({
      text: `A scheduled message was not sent: ${event.reason}`,
      tone: 'error',
      durationMs: 10_000,
      action: { label: 'Review', onAction: () => navigate(paths.scheduled) },
    });
  });

  const disconnect = () => {
    clearTimeout(retryTimer);
    s.removeAllListeners();
    s.disconnect();
    if (socket === s) socket = null;
    if (disconnectCurrent === disconnect) disconnectCurrent = null;
    dropDelivered();
  };
  disconnectCurrent = disconnect;
  return disconnect;
}

/**
 * How long to wait before connecting again after the server refused the handshake for now
 * (`not_ready`, `busy`: its answer carries retryAfterSeconds), with jitter so that every client of
 * a restarted server does not come back in the same instant; undefined for any other refusal.
 */
export function handshakeRetryMs(error: Error & { data?: unknown }): number | undefined {
  if (error.message !== 'not_ready' && error.message !== 'busy') return undefined;
  const data = error.data as { retryAfterSeconds?: unknown } | undefined;
  const seconds = typeof data?.retryAfterSeconds === 'number' ? data.retryAfterSeconds : 5;
  return Math.min(Math.max(seconds, 1), 60) * 1000 * (0.5 + Math.random() / 2);
}

/** "I am typing" to the others in the conversation (fire and forget). */
export function emitTyping(conversationId: string, typing: boolean): void {
  if (socket?.connected) socket.emit('typing', { conversationId, typing });
}
