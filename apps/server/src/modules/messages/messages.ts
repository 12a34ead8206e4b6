import type { Message, MessagePage, MessageContentType, MessagePageQuery, SendMessageBody } from '@herald/shared';
import type { z } from 'zod';
import type { Db, Queryable, Tx } from '../../db/db.js';
import { AppError, notFound } from '../../lib/app-error.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import { attachMedia, selectMedia, type MediaService } from '../media/index.js';
import { assertMayPost, requireMembership, selectCurrentMembers, selectPostingContext } from '../membership/index.js';
import { receiptsFor, toMessage } from './message-view.js';
import { assertAddressedToMembers, checkSealedHeader } from './sealed-content.js';
import {
  deleteExpiredMessages,
  deleteReaction,
  selectIdsBetween,
  selectMaxSeq,
  selectMaxSeqOf,
  selectMessageByClientId,
  selectMessagePage,
  selectMessagesByIds,
  selectMyViews,
  selectReactions,
  updateDeliveredWatermark,
  updateReadWatermark,
  upsertReaction,
  writeMessageBatch,
  type NewMessage,
} from './messages.sql.js';

export interface MessagesDeps {
  db: Db;
  clock: Clock;
  broadcaster: Broadcaster;
  media: MediaService;
}

/** What a write produced: the messages, and who (current members) must receive each. */
export interface WrittenMessages {
  messages: Message[];
  audience: Map<string, string[]>;
}

/**
 * THE writer of messages: live sends (HTTP and socket) and scheduled delivery all come here, so
 * that every effect of a send lives in one place. Set-based, for batches: one statement writes the
 * messages, the conversations' last message and the members' unread counts (see
 * writeMessageBatch). Runs inside the caller's transaction; call `announceMessages` after commit.
 */
export async function writeMessages(tx: Tx, batch: readonly NewMessage[], now: Date): Promise<WrittenMessages> {
  if (batch.length === 0) return { messages: [], audience: new Map() };
  const { rows, audience: members } = await writeMessageBatch(tx, batch, now);
  const audience = new Map<string, string[]>();
  for (const { conversationId, userId } of members) {
    const list = audience.get(conversationId) ?? [];
    list.push(userId);
    audience.set(conversationId, list);
  }
  // A new message: every other current member has it neither delivered nor read yet.
  const messages = rows.map((row) =>
    toMessage(
      row,
      (audience.get(row.conversationId) ?? [])
        .filter((userId) => userId !== row.senderId)
        .map((userId) => ({ userId: userId as Message['senderId'], deliveredAt: null, readAt: null })),
    ),
  );
  return { messages, audience };
}

/** After commit: `receive_message` to every current member's devices, the sender's included. */
export function announceMessages(broadcaster: Broadcaster, written: WrittenMessages): void {
  for (const message of written.messages) {
    broadcaster.toUsers(written.audience.get(message.conversationId) ?? [], 'receive_message', message);
  }
}

/** A send as the edge parsed it (the HTTP route's schema, the socket command's). */
export type ParsedSend = z.output<typeof SendMessageBody>;

/** Validates content, media and one-time options (not membership). */
export async function validateContent(
  q: Queryable,
  senderId: string,
  body: {
    content: string;
    contentType?: MessageContentType | undefined;
    mediaId?: string | undefined;
    isOneTimeMedia: boolean;
    viewLimit?: number | null | undefined;
    mediaExpiryDuration?: number | null | undefined;
  },
): Promise<MessageContentType> {
  let contentType = body.contentType ?? 'text';
  if (body.mediaId) {
    const media = await selectMedia(q, body.mediaId);
    if (!media || media.uploaderId !== senderId || media.deletedAt) throw notFound('No such media.');
    if (media.attachedAt) throw new AppError('conflict', 'This media is already attached to another message.');
    if (body.contentType === undefined || body.contentType === 'text') contentType = media.kind;
    if (contentType !== media.kind) {
      throw new AppError('validation_failed', `contentType ${contentType} does not match the ${media.kind} media.`);
    }
  } else {
    if (contentType !== 'text') throw new AppError('validation_failed', `A ${contentType} message needs a mediaId.`);
    if (body.content.trim() === '') throw new AppError('validation_failed', 'The message is empty.');
  }
  const hasOneTimeOptions = (body.viewLimit ?? null) !== null || (body.mediaExpiryDuration ?? null) !== null;
  if (body.isOneTimeMedia && !body.mediaId) {
    throw new AppError('validation_failed', 'isOneTimeMedia needs media.');
  }
  if (hasOneTimeOptions && !body.isOneTimeMedia) {
    throw new AppError('validation_failed', 'viewLimit and mediaExpiryDuration apply to one-time media only.');
  }
  return contentType;
}

/** A reply must answer a message of the same conversation (live and scheduled sends alike). */
export async function assertRepliable(q: Queryable, conversationId: string, replyToId: string): Promise<void> {
  const [reply] = await selectMessagesByIds(q, [replyToId]);
  if (!reply || reply.conversationId !== conversationId) {
    throw notFound('The message you reply to is not in this conversation.');
  }
}

/** The one-time media options of a send, as stored (a one-time view limit defaults to 1). */
export function oneTimeMediaColumns(body: {
  isOneTimeMedia: boolean;
  viewLimit?: number | null | undefined;
  mediaExpiryDuration?: number | null | undefined;
}): { isOneTimeMedia: boolean; viewLimit: number | null; mediaExpirySeconds: number | null } {
  return {
    isOneTimeMedia: body.isOneTimeMedia,
    viewLimit: body.isOneTimeMedia ? (body.viewLimit ?? 1) : null,
    mediaExpirySeconds: body.mediaExpiryDuration ?? null,
  };
}

export type MessagesService = ReturnType<typeof createMessagesService>;

export function createMessagesService(deps: MessagesDeps) {
  const { db, clock, broadcaster } = deps;

  /** Loads messages as the given member sees them (receipts, reactions, their own views). */
  async function present(q: Queryable, rows: readonly MessageRow[], viewerId: string): Promise<Message[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const conversationIds = [...new Set(rows.map((r) => r.conversationId))];
    const [members, reactions, views] = await Promise.all([
      selectCurrentMembers(q, conversationIds),
      selectReactions(q, ids),
      selectMyViews(q, ids, viewerId),
    ]);
    return rows.map((row) =>
      toMessage(
        row,
        receiptsFor(
          row,
          members.filter((m) => m.conversationId === row.conversationId),
        ),
        reactions.filter((r) => r.messageId === row.id),
        views.get(row.id) ?? 0,
      ),
    );
  }

  /** Receipts moved: every current member (the senders, and the reader's other devices) learns it. */
  async function announceStatus(
    conversationId: string,
    userId: string,
    status: 'delivered' | 'read',
    at: Date,
    messageIds: string[],
  ): Promise<void> {
    const audience = (await selectCurrentMembers(db, [conversationId])).map((m) => m.userId);
    broadcaster.toUsers(audience, 'message_status', {
      conversationId: conversationId as Message['conversationId'],
      userId: userId as Message['senderId'],
      status,
      at: at.toISOString(),
      messageIds: messageIds as Message['id'][],
    });
  }

  async function requireVisibleMessage(userId: string, messageId: string) {
    const [row] = await selectMessagesByIds(db, [messageId]);
    if (!row) throw notFound('No such message.');
    const membership = await requireMembership(db, row.conversationId, userId).catch(() => {
      throw notFound('No such message.');
    });
    const { member } = membership;
    const now = clock.now();
    const visible =
      row.createdAt >= member.joinedAt &&
      (!member.historyFrom || row.createdAt > member.historyFrom) &&
      (!row.expiresAt || row.expiresAt > now);
    if (!visible) throw notFound('No such message.');
    return { row, membership };
  }

  return {
    present,

    /** A live send. A repeated clientId returns the first message instead of sending twice. */
    async send(
      senderId: string,
      conversationId: string,
      body: ParsedSend,
    ): Promise<{ message: Message; created: boolean }> {
      if (body.clientId) {
        const existing = await selectMessageByClientId(db, senderId, body.clientId);
        if (existing) {
          if (existing.conversationId !== conversationId) {
            throw new AppError('conflict', 'This clientId was already used in another conversation.');
          }
          return { message: (await present(db, [existing], senderId))[0]!, created: false };
        }
      }
      assertMayPost(await selectPostingContext(db, senderId, { conversationId }));
      const contentType = await validateContent(db, senderId, body);
      const header = checkSealedHeader(body.content, { conversationId, senderId, kind: contentType });
      if (body.replyToId) await assertRepliable(db, conversationId, body.replyToId);
      const now = clock.now();
      const written = await db.transaction(async (tx) => {
        // Before the first write: a refused send changes nothing.
        await assertAddressedToMembers(tx, conversationId, header);
        if (body.mediaId && !(await attachMedia(tx, body.mediaId, senderId, now))) {
          throw new AppError('conflict', 'This media is already attached to another message.');
        }
        return writeMessages(
          tx,
          [
            {
              conversationId,
              senderId,
              content: body.content,
              contentType,
              mediaId: body.mediaId ?? null,
              ...oneTimeMediaColumns(body),
              replyToId: body.replyToId ?? null,
              clientId: body.clientId ?? null,
              scheduledMessageId: null,
              scheduledTime: null,
            },
          ],
          now,
        );
      });
      const message = written.messages[0];
      if (!message) {
        // Lost a race with the same clientId: answer with the winner.
        const existing = body.clientId ? await selectMessageByClientId(db, senderId, body.clientId) : undefined;
        if (!existing) throw new Error('message insert produced nothing');
        return { message: (await present(db, [existing], senderId))[0]!, created: false };
      }
      announceMessages(broadcaster, written);
      return { message, created: true };
    },

    async list(
      userId: string,
      conversationId: string,
      { before, limit }: z.output<typeof MessagePageQuery>,
    ): Promise<MessagePage> {
      if (before !== undefined && !/^\d{1,18}$/.test(before)) {
        throw new AppError('validation_failed', 'before must be a cursor returned as nextCursor.');
      }
      const { member } = await requireMembership(db, conversationId, userId);
      const rows = await selectMessagePage(db, {
        conversationId,
        joinedAt: member.joinedAt,
        historyFrom: member.historyFrom,
        before: before === undefined ? null : Number(before),
        limit: limit + 1,
        now: clock.now(),
      });
      const page = rows.slice(0, limit);
      const messages = await present(db, page, userId);
      return { messages, nextCursor: rows.length > limit ? String(page.at(-1)!.seq) : null };
    },

    /** Everything up to the newest message is read; unread back to 0. */
    async markRead(userId: string, conversationId: string): Promise<{ unreadCount: number }> {
      const { member } = await requireMembership(db, conversationId, userId);
      const now = clock.now();
      const changed = await db.transaction(async (tx) => {
        const maxSeq = await selectMaxSeq(tx, conversationId);
        const from = Number(member.readSeq);
        await updateReadWatermark(tx, conversationId, userId, maxSeq, now);
        return maxSeq > from ? selectIdsBetween(tx, conversationId, userId, from, maxSeq) : [];
      });
      await announceStatus(conversationId, userId, 'read', now, changed);
      return { unreadCount: 0 };
    },

    /** A device of the user has these messages: the delivered watermark moves up to the newest. */
    async markDelivered(userId: string, conversationId: string, messageIds: readonly string[]): Promise<void> {
      const { member } = await requireMembership(db, conversationId, userId);
      const now = clock.now();
      const changed = await db.transaction(async (tx) => {
        const seq = await selectMaxSeqOf(tx, conversationId, userId, messageIds);
        const from = Number(member.deliveredSeq);
        if (seq <= from) return [];
        await updateDeliveredWatermark(tx, conversationId, userId, seq, now);
        return selectIdsBetween(tx, conversationId, userId, from, seq);
      });
      if (changed.length > 0) await announceStatus(conversationId, userId, 'delivered', now, changed);
    },

    async react(userId: string, messageId: string, emoji: string | null): Promise<Message['reactions']> {
      const { row, membership } = await requireVisibleMessage(userId, messageId);
      if (emoji === null) await deleteReaction(db, messageId, userId);
      else await upsertReaction(db, messageId, userId, emoji, clock.now());
      const reactions = (await selectReactions(db, [messageId])).map((r) => ({
        userId: r.userId as Message['senderId'],
        emoji: r.emoji,
      }));
      const audience = (await selectCurrentMembers(db, [membership.conversation.id])).map((m) => m.userId);
      broadcaster.toUsers(audience, 'reaction_updated', {
        conversationId: row.conversationId as Message['conversationId'],
        messageId: row.id as Message['id'],
        reactions,
      });
      return reactions;
    },

    /** Temporary mode: deletes what is due, with its media, and tells the members. */
    async expireDue(): Promise<number> {
      const now = clock.now();
      let total = 0;
      for (;;) {
        const deleted = await deleteExpiredMessages(db, now, 500);
        if (deleted.length === 0) break;
        total += deleted.length;
        await deps.media.deleteBlobs(
          db,
          deleted.flatMap((r) => (r.mediaId ? [r.mediaId] : [])),
        );
        const byConversation = new Map<string, string[]>();
        for (const r of deleted)
          byConversation.set(r.conversationId, [...(byConversation.get(r.conversationId) ?? []), r.id]);
        const members = await selectCurrentMembers(db, [...byConversation.keys()]);
        for (const [conversationId, ids] of byConversation) {
          broadcaster.toUsers(
            members.filter((m) => m.conversationId === conversationId).map((m) => m.userId),
            'message_deleted',
            { conversationId: conversationId as Message['conversationId'], messageIds: ids as Message['id'][] },
          );
        }
        if (deleted.length < 500) break;
      }
      return total;
    },
  };
}

type MessageRow = Parameters<typeof toMessage>[0];
