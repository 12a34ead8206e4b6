import {
  aggregateStatus,
  safeMediaType,
  type ConversationId,
  type MediaId,
  type Message,
  type MessageId,
  type Reaction,
  type Receipt,
  type ScheduledMessageId,
  type UserId,
} from '@herald/shared';
import type { MemberRow } from '../membership/index.js';
import type { MessageRow } from './messages.sql.js';
import type { ReactionRow } from './reactions.sql.js';

/** Receipts from the per-member watermarks: everyone who was a member when the message was sent. */
export function receiptsFor(row: Pick<MessageRow, 'seq' | 'senderId' | 'createdAt'>, members: readonly MemberRow[]) {
  const receipts: Receipt[] = [];
  for (const member of members) {
    if (member.userId === row.senderId || member.joinedAt > row.createdAt) continue;
    receipts.push({
      userId: member.userId as UserId,
      deliveredAt: Number(member.deliveredSeq) >= Number(row.seq) ? (member.deliveredAt?.toISOString() ?? null) : null,
      readAt: Number(member.readSeq) >= Number(row.seq) ? (member.readAt?.toISOString() ?? null) : null,
    });
  }
  return receipts;
}

/**
 * A delivered scheduled message as `viewerId` sees it: its sender always sees when it was
 * scheduled ("Scheduled for X, sent at Y"); everyone else sees a message like any other unless the
 * sender chose to show that it was scheduled (issue 13, item 7).
 */
export function scheduleSeenBy<M extends Pick<Message, 'senderId' | 'scheduledMessageId' | 'scheduledTime'>>(
  message: M,
  viewerId: string,
  shown: boolean,
): M {
  if (shown || message.senderId === viewerId || message.scheduledMessageId === null) return message;
  return { ...message, scheduledMessageId: null, scheduledTime: null };
}

/** `viewerId`: whose copy this is (see scheduleSeenBy); without it, the sender's. */
export function toMessage(
  row: MessageRow,
  receipts: Receipt[],
  reactions: readonly ReactionRow[] = [],
  myViews = 0,
  viewerId?: string,
): Message {
  // Timeline events have no receipts: nobody delivers or reads what the server wrote.
  const message = messageOf(row, row.contentType === 'event' ? [] : receipts, reactions, myViews);
  return viewerId === undefined ? message : scheduleSeenBy(message, viewerId, row.showAsScheduled);
}

function messageOf(row: MessageRow, receipts: Receipt[], reactions: readonly ReactionRow[], myViews: number): Message {
  return {
    id: row.id as MessageId,
    conversationId: row.conversationId as ConversationId,
    senderId: row.senderId as UserId,
    content: row.content,
    contentType: row.contentType,
    media:
      row.mediaId && row.mediaKind
        ? {
            id: row.mediaId as MediaId,
            kind: row.mediaKind,
            mimeType: safeMediaType(row.mediaMimeType ?? ''),
            size: Number(row.mediaSize),
          }
        : null,
    isOneTimeMedia: row.isOneTimeMedia,
    viewLimit: row.isOneTimeMedia ? (row.viewLimit ?? 1) : row.viewLimit,
    mediaExpiryDuration: row.mediaExpirySeconds,
    mediaExpiresAt: row.mediaExpiresAt?.toISOString() ?? null,
    myViews,
    replyToId: row.replyToId as MessageId | null,
    clientId: row.clientId,
    seq: Number(row.seq),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    scheduledMessageId: row.scheduledMessageId as ScheduledMessageId | null,
    scheduledTime: row.scheduledTime?.toISOString() ?? null,
    event: row.event ?? null,
    editedAt: row.editedAt?.toISOString() ?? null,
    deletedAt: row.deletedAt?.toISOString() ?? null,
    messageStatus: aggregateStatus(receipts),
    receipts,
    reactions: reactions.map((r): Reaction => ({ userId: r.userId as UserId, emoji: r.emoji })),
  };
}
