import { create } from 'zustand';
import type { Conversation, ConversationMember, Message, MemberRole, PublicUser } from '@herald/shared';
import { conversationsApi } from './api';

export interface Presence {
  online: boolean;
  lastSeenAt: string | null;
}

interface ConversationsState {
  byId: Record<string, Conversation>;
  loaded: boolean;
  /** conversationId -> userId -> when the "typing" state lapses (ms epoch). */
  typing: Record<string, Record<string, number>>;
  /** Live presence, seeded from the users in conversations and updated by events. */
  presence: Record<string, Presence>;
  blocked: PublicUser[];
  /**
   * Names of people who left a conversation while this page was open, so that their messages keep
   * a name (the server lists current members only; after a reload they read "Former member").
   */
  formerNames: Record<string, Record<string, string>>;

  load: () => Promise<void>;
  upsert: (conversation: Conversation) => void;
  remove: (id: string) => void;
  /** A message arrived (live or sent by me): last message, activity, unread count. */
  applyMessage: (message: Message, options: { mine: boolean; visible: boolean }) => void;
  memberJoined: (conversationId: string, member: ConversationMember) => void;
  memberLeft: (conversationId: string, userId: string) => void;
  /** A member's role changed (promoted, demoted, or owner by inheritance); mine too when it is me. */
  memberRoleChanged: (conversationId: string, userId: string, role: MemberRole, myId: string) => void;
  setTyping: (conversationId: string, userId: string, typing: boolean, now?: number) => void;
  setPresence: (userId: string, presence: Presence) => void;
  adjustScheduledCount: (conversationId: string, delta: number) => void;

  markRead: (id: string) => Promise<void>;
  /** This device has these messages (the sender sees "delivered"). */
  markDelivered: (id: string, messageIds: string[]) => Promise<void>;
  createDirect: (userId: string) => Promise<Conversation>;
  createGroup: (title: string, memberIds: string[]) => Promise<Conversation>;
  update: (id: string, patch: { title?: string; temporaryTtlSeconds?: number | null }) => Promise<void>;
  deleteChat: (id: string) => Promise<void>;
  leave: (id: string) => Promise<void>;
  addMembers: (id: string, userIds: string[]) => Promise<void>;
  removeMember: (id: string, userId: string) => Promise<void>;
  setRole: (id: string, userId: string, role: Exclude<MemberRole, 'owner'>) => Promise<void>;
  loadBlocks: () => Promise<void>;
  block: (user: PublicUser) => Promise<void>;
  unblock: (userId: string) => Promise<void>;
  refresh: (id: string) => Promise<void>;
}

/** How long a "typing" signal lasts without a refresh. */
export const TYPING_TTL_MS = 6000;

function seedPresence(current: Record<string, Presence>, conversations: Conversation[]): Record<string, Presence> {
  const next = { ...current };
  for (const conversation of conversations) {
    for (const { user } of conversation.members) {
      next[user.id] = { online: user.online, lastSeenAt: user.lastSeenAt };
    }
  }
  return next;
}

// Lists asked for one after the other (the page's first load, a catch-up on connect) can be
// answered out of order: an older answer must not replace a newer one.
let listsAsked = 0;
let listShown = 0;

export const useConversations = create<ConversationsState>()((set, get) => ({
  byId: {},
  loaded: false,
  typing: {},
  presence: {},
  blocked: [],
  formerNames: {},

  load: async () => {
    const asked = ++listsAsked;
    const list = await conversationsApi.list();
    if (asked < listShown) return;
    listShown = asked;
    set((s) => ({
      byId: Object.fromEntries(list.map((c) => [c.id, c])),
      loaded: true,
      presence: seedPresence(s.presence, list),
    }));
  },

  upsert: (conversation) =>
    set((s) => ({
      byId: { ...s.byId, [conversation.id]: conversation },
      presence: seedPresence(s.presence, [conversation]),
    })),

  remove: (id) =>
    set((s) => {
      if (!s.byId[id]) return s;
      const byId = { ...s.byId };
      delete byId[id];
      return { byId };
    }),

  applyMessage: (message, { mine, visible }) =>
    set((s) => {
      const conversation = s.byId[message.conversationId];
      if (!conversation) return s;
      const newer = !conversation.lastMessage || conversation.lastMessage.createdAt <= message.createdAt;
      const alreadyCounted = conversation.lastMessage?.id === message.id;
      const clearsTyping = Boolean(s.typing[message.conversationId]?.[message.senderId]);
      // The same message again (my send's answer, then its socket echo): nothing moves, no render.
      if (
        alreadyCounted &&
        !clearsTyping &&
        (!visible || conversation.unreadCount === 0) &&
        conversation.lastMessage?.messageStatus === message.messageStatus
      ) {
        return s;
      }
      const typing = { ...s.typing };
      if (typing[message.conversationId]?.[message.senderId]) {
        typing[message.conversationId] = { ...typing[message.conversationId] };
        delete typing[message.conversationId]![message.senderId];
      }
      return {
        typing,
        byId: {
          ...s.byId,
          [conversation.id]: {
            ...conversation,
            lastMessage: newer ? message : conversation.lastMessage,
            lastActivityAt:
              newer && message.createdAt > conversation.lastActivityAt
                ? message.createdAt
                : conversation.lastActivityAt,
            unreadCount: visible ? 0 : mine || alreadyCounted ? conversation.unreadCount : conversation.unreadCount + 1,
          },
        },
      };
    }),

  memberJoined: (conversationId, member) =>
    set((s) => {
      const conversation = s.byId[conversationId];
      if (!conversation) return s;
      const members = [...conversation.members.filter((m) => m.user.id !== member.user.id), member];
      return {
        byId: { ...s.byId, [conversationId]: { ...conversation, members } },
        presence: s.presence[member.user.id]
          ? s.presence
          : { ...s.presence, [member.user.id]: { online: member.user.online, lastSeenAt: member.user.lastSeenAt } },
      };
    }),

  memberLeft: (conversationId, userId) =>
    set((s) => {
      const conversation = s.byId[conversationId];
      if (!conversation) return s;
      const leaving = conversation.members.find((m) => m.user.id === userId);
      const members = conversation.members.filter((m) => m.user.id !== userId);
      return {
        byId: { ...s.byId, [conversationId]: { ...conversation, members } },
        formerNames: leaving
          ? {
              ...s.formerNames,
              [conversationId]: { ...s.formerNames[conversationId], [userId]: leaving.user.displayName },
            }
          : s.formerNames,
      };
    }),

  memberRoleChanged: (conversationId, userId, role, myId) =>
    set((s) => {
      const conversation = s.byId[conversationId];
      if (!conversation) return s;
      const members = conversation.members.map((m) => (m.user.id === userId ? { ...m, role } : m));
      const mine = members.find((m) => m.user.id === myId)?.role ?? conversation.myRole;
      return { byId: { ...s.byId, [conversationId]: { ...conversation, members, myRole: mine } } };
    }),

  setTyping: (conversationId, userId, typing, now = Date.now()) =>
    set((s) => {
      const current = { ...(s.typing[conversationId] ?? {}) };
      if (typing) current[userId] = now + TYPING_TTL_MS;
      else delete current[userId];
      return { typing: { ...s.typing, [conversationId]: current } };
    }),

  setPresence: (userId, presence) => set((s) => ({ presence: { ...s.presence, [userId]: presence } })),

  adjustScheduledCount: (conversationId, delta) =>
    set((s) => {
      const conversation = s.byId[conversationId];
      if (!conversation || delta === 0) return s;
      const scheduledPendingCount = Math.max(0, conversation.scheduledPendingCount + delta);
      return { byId: { ...s.byId, [conversationId]: { ...conversation, scheduledPendingCount } } };
    }),

  markRead: async (id) => {
    const conversation = get().byId[id];
    if (conversation && conversation.unreadCount > 0) {
      set((s) => ({ byId: { ...s.byId, [id]: { ...conversation, unreadCount: 0 } } }));
    }
    await conversationsApi.markRead(id);
  },

  markDelivered: async (id, messageIds) => {
    if (messageIds.length) await conversationsApi.markDelivered(id, messageIds);
  },

  createDirect: async (userId) => {
    const conversation = await conversationsApi.createDirect(userId);
    get().upsert(conversation);
    return conversation;
  },

  createGroup: async (title, memberIds) => {
    const conversation = await conversationsApi.createGroup(title, memberIds);
    get().upsert(conversation);
    return conversation;
  },

  // Answers that carry the conversation are applied only while it is still mine: I may have left
  // it (or been removed) while the request was in flight.
  update: async (id, patch) => {
    const conversation = await conversationsApi.update(id, patch);
    if (get().byId[id]) get().upsert(conversation);
  },

  deleteChat: async (id) => {
    await conversationsApi.deleteChat(id);
    get().remove(id);
  },

  leave: async (id) => {
    await conversationsApi.leave(id);
    get().remove(id);
  },

  addMembers: async (id, userIds) => {
    const conversation = await conversationsApi.addMembers(id, userIds);
    if (get().byId[id]) get().upsert(conversation);
  },

  removeMember: async (id, userId) => {
    await conversationsApi.removeMember(id, userId);
    get().memberLeft(id, userId);
  },

  setRole: async (id, userId, role) => {
    const conversation = await conversationsApi.setRole(id, userId, role);
    if (get().byId[id]) get().upsert(conversation);
  },

  loadBlocks: async () => set({ blocked: await conversationsApi.blocks() }),

  block: async (user) => {
    await conversationsApi.block(user.id);
    set((s) => ({
      blocked: [...s.blocked.filter((b) => b.id !== user.id), user],
      byId: Object.fromEntries(
        Object.entries(s.byId).map(([id, c]) => [
          id,
          c.kind === 'direct' && c.members.some((m) => m.user.id === user.id) ? { ...c, blockedByMe: true } : c,
        ]),
      ),
    }));
  },

  unblock: async (userId) => {
    await conversationsApi.unblock(userId);
    set((s) => ({
      blocked: s.blocked.filter((b) => b.id !== userId),
      byId: Object.fromEntries(
        Object.entries(s.byId).map(([id, c]) => [
          id,
          c.kind === 'direct' && c.members.some((m) => m.user.id === userId) ? { ...c, blockedByMe: false } : c,
        ]),
      ),
    }));
  },

  refresh: async (id) => {
    get().upsert(await conversationsApi.get(id));
  },
}));

/** Newest activity first. */
export function sortConversations(byId: Record<string, Conversation>): Conversation[] {
  return Object.values(byId).sort((a, b) =>
    a.lastActivityAt === b.lastActivityAt ? a.id.localeCompare(b.id) : a.lastActivityAt < b.lastActivityAt ? 1 : -1,
  );
}

/** Who is typing in a conversation right now (excluding lapsed signals). */
export function typingUserIds(typing: Record<string, number> | undefined, now: number): string[] {
  if (!typing) return [];
  return Object.entries(typing)
    .filter(([, until]) => until > now)
    .map(([userId]) => userId);
}
