import { create } from 'zustand';
import type { Message, MessagePage, MessageStatusEvent, Reaction, SendMessageBody } from '@herald/shared';
import { errorMessage } from '../../lib/http';
import { newClientId } from '../../lib/id';
import { messagesApi, PAGE_SIZE } from './api';
import { applyStatus, isLocal, localIdFor, mergeMessages, type TimelineMessage } from './merge';

export interface Timeline {
  /** Oldest first. */
  messages: TimelineMessage[];
  /** Cursor for the next older page; null when the start of the conversation is loaded. */
  nextCursor: string | null;
  loaded: boolean;
  loadingOlder: boolean;
  error: string | null;
}

const EMPTY: Timeline = { messages: [], nextCursor: null, loaded: false, loadingOlder: false, error: null };

export interface OutgoingMessage extends Omit<SendMessageBody, 'clientId'> {
  /** For the optimistic copy: what the attachment is, if any. */
  media?: Message['media'];
}

interface MessagesState {
  timelines: Record<string, Timeline>;
  drafts: Record<string, string>;

  loadLatest: (conversationId: string) => Promise<void>;
  loadOlder: (conversationId: string) => Promise<void>;
  /** REST page of the newest messages, merged (used on open and after a reconnect). */
  mergeLatestPage: (conversationId: string, page: MessagePage) => void;
  receive: (message: Message) => void;
  send: (conversationId: string, senderId: string, message: OutgoingMessage) => Promise<Message | null>;
  retry: (conversationId: string, localId: string) => Promise<void>;
  applyStatus: (event: MessageStatusEvent) => void;
  setReactions: (conversationId: string, messageId: string, reactions: Reaction[]) => void;
  toggleReaction: (conversationId: string, messageId: string, emoji: string, myId: string) => Promise<void>;
  remove: (conversationId: string, messageIds: string[]) => void;
  markViewed: (conversationId: string, messageId: string) => void;
  setDraft: (conversationId: string, text: string) => void;
  forget: (conversationId: string) => void;
}

export const useMessages = create<MessagesState>()((set, get) => {
  const timeline = (id: string) => get().timelines[id] ?? EMPTY;
  const patch = (id: string, change: Partial<Timeline> | ((t: Timeline) => Partial<Timeline>)) =>
    set((s) => {
      const current = s.timelines[id] ?? EMPTY;
      const next = typeof change === 'function' ? change(current) : change;
      return { timelines: { ...s.timelines, [id]: { ...current, ...next } } };
    });
  /** Outgoing bodies of optimistic messages, for retry. */
  const outbox = new Map<string, { conversationId: string; body: SendMessageBody }>();

  async function deliver(conversationId: string, localId: string, body: SendMessageBody): Promise<Message | null> {
    try {
      const message = await messagesApi.send(conversationId, body);
      outbox.delete(localId);
      get().receive(message);
      return message;
    } catch (error) {
      patch(conversationId, (t) => ({
        messages: t.messages.map((m) =>
          m.id === localId ? { ...m, localStatus: 'failed' as const, localError: errorMessage(error) } : m,
        ),
      }));
      return null;
    }
  }

  return {
    timelines: {},
    drafts: {},

    loadLatest: async (conversationId) => {
      try {
        const page = await messagesApi.page(conversationId, null, PAGE_SIZE);
        get().mergeLatestPage(conversationId, page);
      } catch (error) {
        patch(conversationId, { error: errorMessage(error), loaded: true });
      }
    },

    mergeLatestPage: (conversationId, page) =>
      patch(conversationId, (t) => {
        const incoming = [...page.messages].reverse();
        const known = new Set(t.messages.map((m) => m.id));
        const overlaps = incoming.some((m) => known.has(m.id));
        const serverMessages = t.messages.filter((m) => !isLocal(m));
        // If the page does not reach what we hold, messages may be missing in between (a long
        // disconnection): start again from this page rather than show a timeline with a hole.
        if (!t.loaded || serverMessages.length === 0 || overlaps || page.nextCursor === null) {
          return {
            messages: mergeMessages(t.messages, incoming),
            nextCursor: t.loaded && serverMessages.length > 0 ? t.nextCursor : page.nextCursor,
            loaded: true,
            error: null,
          };
        }
        return {
          messages: mergeMessages(
            t.messages.filter((m) => isLocal(m)),
            incoming,
          ),
          nextCursor: page.nextCursor,
          loaded: true,
          error: null,
        };
      }),

    loadOlder: async (conversationId) => {
      const t = timeline(conversationId);
      if (t.loadingOlder || !t.nextCursor) return;
      patch(conversationId, { loadingOlder: true });
      try {
        const page = await messagesApi.page(conversationId, t.nextCursor, PAGE_SIZE);
        patch(conversationId, (current) => ({
          messages: mergeMessages(current.messages, page.messages),
          nextCursor: page.nextCursor,
          loadingOlder: false,
        }));
      } catch (error) {
        patch(conversationId, { loadingOlder: false, error: errorMessage(error) });
      }
    },

    receive: (message) => patch(message.conversationId, (t) => ({ messages: mergeMessages(t.messages, [message]) })),

    send: async (conversationId, senderId, outgoing) => {
      const clientId = newClientId();
      const localId = localIdFor(clientId);
      const { media, ...rest } = outgoing;
      const body: SendMessageBody = { ...rest, clientId };
      const optimistic: TimelineMessage = {
        id: localId as Message['id'],
        conversationId: conversationId as Message['conversationId'],
        senderId: senderId as Message['senderId'],
        content: body.content,
        contentType: body.contentType ?? 'text',
        media: media ?? null,
        isOneTimeMedia: body.isOneTimeMedia ?? false,
        viewLimit: body.viewLimit ?? null,
        mediaExpiryDuration: body.mediaExpiryDuration ?? null,
        mediaExpiresAt: null,
        myViews: 0,
        replyToId: (body.replyToId ?? null) as Message['replyToId'],
        clientId,
        createdAt: new Date().toISOString(),
        expiresAt: null,
        scheduledMessageId: null,
        scheduledTime: null,
        messageStatus: 'sent',
        receipts: [],
        reactions: [],
        localStatus: 'sending',
      };
      outbox.set(localId, { conversationId, body });
      patch(conversationId, (t) => ({ messages: mergeMessages(t.messages, [optimistic]) }));
      return deliver(conversationId, localId, body);
    },

    retry: async (conversationId, localId) => {
      const pending = outbox.get(localId);
      if (!pending) return;
      patch(conversationId, (t) => ({
        messages: t.messages.map((m) => (m.id === localId ? { ...m, localStatus: 'sending' as const } : m)),
      }));
      await deliver(conversationId, localId, pending.body);
    },

    applyStatus: (event) => patch(event.conversationId, (t) => ({ messages: applyStatus(t.messages, event) })),

    setReactions: (conversationId, messageId, reactions) =>
      patch(conversationId, (t) => ({
        messages: t.messages.map((m) => (m.id === messageId ? { ...m, reactions } : m)),
      })),

    toggleReaction: async (conversationId, messageId, emoji, myId) => {
      const message = timeline(conversationId).messages.find((m) => m.id === messageId);
      if (!message) return;
      const mine = message.reactions.find((r) => r.userId === myId);
      const reactions =
        mine?.emoji === emoji ? await messagesApi.unreact(messageId) : await messagesApi.react(messageId, emoji);
      get().setReactions(conversationId, messageId, reactions);
    },

    remove: (conversationId, messageIds) => {
      const ids = new Set(messageIds);
      patch(conversationId, (t) => ({ messages: t.messages.filter((m) => !ids.has(m.id)) }));
    },

    markViewed: (conversationId, messageId) =>
      patch(conversationId, (t) => ({
        messages: t.messages.map((m) => (m.id === messageId ? { ...m, myViews: m.myViews + 1 } : m)),
      })),

    setDraft: (conversationId, text) => set((s) => ({ drafts: { ...s.drafts, [conversationId]: text } })),

    forget: (conversationId) =>
      set((s) => {
        const timelines = { ...s.timelines };
        delete timelines[conversationId];
        return { timelines };
      }),
  };
});

export const emptyTimeline = EMPTY;
