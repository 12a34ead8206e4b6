import { create } from 'zustand';
import type { Message, MessagePage, MessageStatusEvent, Reaction, SendMessageBody } from '@herald/shared';
import { primeOpened, sendSealed, type SealableContent } from '../../lib/e2ee';
import { errorMessage, isApiError, isRetryable } from '../../lib/http';
import { newClientId } from '../../lib/id';
import { registerReset } from '../../lib/resets';
import { messagesApi, PAGE_SIZE } from './api';
import { applyStatus, isLocal, localIdFor, type TimelineMessage } from './merge';
import { findMessage, insertMessage, mergeMessages, removeMessages, updateMessage } from './order';

export interface Timeline {
  /** Confirmed messages in `seq` order, then local ones (sending, failed) in send order (order.ts). */
  messages: TimelineMessage[];
  /** Cursor for the next older page; null when the start of the conversation is loaded. */
  nextCursor: string | null;
  loaded: boolean;
  loadingOlder: boolean;
  error: string | null;
}

const EMPTY: Timeline = { messages: [], nextCursor: null, loaded: false, loadingOlder: false, error: null };

export interface OutgoingMessage extends Omit<SendMessageBody, 'clientId' | 'content'> {
  /** For the optimistic copy: what the attachment is, if any. */
  media?: Message['media'];
  /**
   * What is sealed into `content` (end-to-end encrypted, lib/e2ee) for every current member, at
   * each attempt: the text, and for a photo or video the sealed file's key and facts. The text
   * goes back into the composer on a refusal.
   */
  plaintext: SealableContent;
}

/**
 * How a send ended. `failed`: a transient problem (connection, server busy); the bubble stays with
 * Retry and Discard. `refused`: the server will never take it as it is (too long, blocked, no
 * longer a member); the bubble goes and what was written returns to the composer with the reason.
 */
export type SendOutcome =
  { status: 'sent'; message: Message } | { status: 'failed'; error: string } | { status: 'refused'; error: string };

interface MessagesState {
  timelines: Record<string, Timeline>;
  drafts: Record<string, string>;
  /** The message the composer replies to, per conversation (a message id). */
  replyTo: Record<string, string>;
  /** Why the last send was refused, per conversation: shown in the composer until the next edit. */
  refusals: Record<string, string>;

  loadLatest: (conversationId: string) => Promise<void>;
  loadOlder: (conversationId: string) => Promise<void>;
  /** REST page of the newest messages, merged (used on open and after a reconnect). */
  mergeLatestPage: (conversationId: string, page: MessagePage) => void;
  receive: (message: Message) => void;
  send: (conversationId: string, senderId: string, message: OutgoingMessage) => Promise<SendOutcome>;
  retry: (conversationId: string, localId: string) => Promise<void>;
  /** Drop a failed message for good. */
  discard: (conversationId: string, localId: string) => void;
  setReplyTo: (conversationId: string, messageId: string | null) => void;
  /**
   * Puts text back into the composer (after a refusal, an undone schedule, a failed upload) before
   * whatever was typed since, and what it replied to unless a reply was chosen since.
   */
  restoreDraft: (conversationId: string, text: string, replyToId?: string | null) => void;
  clearRefusal: (conversationId: string) => void;
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
      const same = (Object.keys(next) as (keyof Timeline)[]).every((key) => next[key] === current[key]);
      return same && s.timelines[id] ? s : { timelines: { ...s.timelines, [id]: { ...current, ...next } } };
    });
  /**
   * A change to a timeline's messages; when it changes nothing (the same array back: a duplicate,
   * an unknown id), the state stays the same object and no component renders.
   */
  const change = (id: string, update: (messages: TimelineMessage[]) => TimelineMessage[]) =>
    set((s) => {
      const current = s.timelines[id] ?? EMPTY;
      const messages = update(current.messages);
      if (messages === current.messages) return s;
      return { timelines: { ...s.timelines, [id]: { ...current, messages } } };
    });
  /**
   * Outgoing messages, for retry: the body without its content, and the plaintext, sealed again at
   * each attempt (the members may have changed in between). Plaintext stays in memory only.
   */
  type Pending = { conversationId: string; body: Omit<SendMessageBody, 'content'>; plaintext: SealableContent };
  const outbox = new Map<string, Pending>();
  registerReset(() => outbox.clear());

  async function deliver(conversationId: string, localId: string): Promise<SendOutcome> {
    const pending = outbox.get(localId);
    if (!pending) return { status: 'failed', error: 'This message is no longer waiting to be sent.' };
    const kind = pending.body.contentType ?? 'text';
    try {
      const message = await sendSealed(conversationId, kind, pending.plaintext, (content) =>
        messagesApi.send(conversationId, { ...pending.body, content }),
      );
      outbox.delete(localId);
      // What this device sealed shows at once, without opening it again.
      primeOpened(message, pending.plaintext);
      get().receive(message);
      return { status: 'sent', message };
    } catch (error) {
      // Content this device cannot seal (over a limit) is refused like the server would refuse it.
      const unsealable = error instanceof Error && error.name === 'CryptoError';
      const sentence = unsealable ? `This message could not be encrypted: ${errorMessage(error)}` : errorMessage(error);
      if (!unsealable && isRetryable(error)) {
        change(conversationId, (messages) =>
          updateMessage(messages, localId, (m) => ({ ...m, localStatus: 'failed', localError: sentence })),
        );
        return { status: 'failed', error: sentence };
      }
      // Refused: sending it again would be refused again. Nothing the person wrote is lost: the
      // text (and what it replied to) goes back into the composer, with the reason.
      outbox.delete(localId);
      change(conversationId, (messages) => removeMessages(messages, new Set([localId])));
      // The reply comes back too, unless it is the reason for the refusal (its message is gone).
      const replyGone = isApiError(error, 'not_found') && /repl/i.test(error.message);
      get().restoreDraft(conversationId, pending.plaintext.text, replyGone ? null : pending.body.replyToId);
      set((s) => ({ refusals: { ...s.refusals, [conversationId]: sentence } }));
      return { status: 'refused', error: sentence };
    }
  }

  return {
    timelines: {},
    drafts: {},
    replyTo: {},
    refusals: {},

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
        const incoming = page.messages;
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

    receive: (message) => change(message.conversationId, (messages) => insertMessage(messages, message)),

    send: async (conversationId, senderId, outgoing) => {
      const clientId = newClientId();
      const localId = localIdFor(clientId);
      const { media, plaintext, ...rest } = outgoing;
      const body: Omit<SendMessageBody, 'content'> = { ...rest, clientId };
      const optimistic: TimelineMessage = {
        id: localId as Message['id'],
        conversationId: conversationId as Message['conversationId'],
        senderId: senderId as Message['senderId'],
        // Not sent as it is: the optimistic copy's text is primed below, the server gets an envelope.
        content: '',
        // Unknown until the server answers; local copies stay after every confirmed one (order.ts).
        seq: Number.MAX_SAFE_INTEGER,
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
        editedAt: null,
        deletedAt: null,
        messageStatus: 'sent',
        receipts: [],
        reactions: [],
        localStatus: 'sending',
      };
      outbox.set(localId, { conversationId, body, plaintext });
      primeOpened(optimistic, plaintext);
      get().clearRefusal(conversationId);
      change(conversationId, (messages) => insertMessage(messages, optimistic));
      return deliver(conversationId, localId);
    },

    retry: async (conversationId, localId) => {
      if (!outbox.has(localId)) return;
      change(conversationId, (messages) => updateMessage(messages, localId, (m) => ({ ...m, localStatus: 'sending' })));
      await deliver(conversationId, localId);
    },

    discard: (conversationId, localId) => {
      outbox.delete(localId);
      // Only a local copy: a confirmed message is not this device's to drop.
      if (localId.startsWith(localIdFor('')))
        change(conversationId, (messages) => removeMessages(messages, new Set([localId])));
    },

    setReplyTo: (conversationId, messageId) =>
      set((s) => {
        if ((s.replyTo[conversationId] ?? null) === messageId) return s;
        const replyTo = { ...s.replyTo };
        if (messageId) replyTo[conversationId] = messageId;
        else delete replyTo[conversationId];
        return { replyTo };
      }),

    restoreDraft: (conversationId, text, replyToId) =>
      set((s) => {
        const draft = s.drafts[conversationId] ?? '';
        const restored = !draft.trim() ? text : text.trim() ? `${text}\n${draft}` : draft;
        const replyTo = { ...s.replyTo };
        if (replyToId && !replyTo[conversationId]) replyTo[conversationId] = replyToId;
        return { drafts: { ...s.drafts, [conversationId]: restored }, replyTo };
      }),

    clearRefusal: (conversationId) =>
      set((s) => {
        if (!(conversationId in s.refusals)) return s;
        const refusals = { ...s.refusals };
        delete refusals[conversationId];
        return { refusals };
      }),

    applyStatus: (event) => change(event.conversationId, (messages) => applyStatus(messages, event)),

    setReactions: (conversationId, messageId, reactions) =>
      change(conversationId, (messages) => updateMessage(messages, messageId, (m) => ({ ...m, reactions }))),

    toggleReaction: async (conversationId, messageId, emoji, myId) => {
      const message = findMessage(timeline(conversationId).messages, messageId);
      if (!message) return;
      const mine = message.reactions.find((r) => r.userId === myId);
      const reactions =
        mine?.emoji === emoji ? await messagesApi.unreact(messageId) : await messagesApi.react(messageId, emoji);
      get().setReactions(conversationId, messageId, reactions);
    },

    remove: (conversationId, messageIds) => {
      const ids = new Set(messageIds);
      change(conversationId, (messages) => removeMessages(messages, ids));
      // A reply to a message that is gone could only be refused.
      const replyTo = get().replyTo[conversationId];
      if (replyTo && ids.has(replyTo)) get().setReplyTo(conversationId, null);
    },

    markViewed: (conversationId, messageId) =>
      change(conversationId, (messages) =>
        updateMessage(messages, messageId, (m) => ({ ...m, myViews: m.myViews + 1 })),
      ),

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
