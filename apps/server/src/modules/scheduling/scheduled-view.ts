import {
  FAILURE_TEXT,
  type ConversationId,
  type MessageId,
  type ScheduledMessage,
  type ScheduledMessageId,
  type UserId,
} from '@herald/shared';
import type { ScheduledRow } from './scheduling.sql.js';

/** The API view of a scheduled message. */
export function toScheduled(row: ScheduledRow, maxRetries: number): ScheduledMessage {
  return {
    id: row.id as ScheduledMessageId,
    conversationId: row.conversationId as ConversationId,
    senderId: row.senderId as UserId,
    receiverId: row.receiverId as UserId | null,
    content: row.content,
    contentType: row.contentType,
    mediaId: row.mediaId,
    isOneTimeMedia: row.isOneTimeMedia,
    viewLimit: row.viewLimit,
    mediaExpiryDuration: row.mediaExpirySeconds,
    replyToId: row.replyToId as MessageId | null,
    scheduledTime: row.scheduledTime.toISOString(),
    status: row.status,
    retryCount: row.retryCount,
    maxRetries,
    nextAttemptAt: row.status === 'pending' ? row.dueAt.toISOString() : null,
    lastError: row.lastError,
    failureCode: row.failureCode,
    failureReason: row.failureCode ? (row.failureDetail ?? FAILURE_TEXT[row.failureCode]) : null,
    sentAt: row.sentAt?.toISOString() ?? null,
    messageId: row.messageId,
    cancelledAt: row.cancelledAt?.toISOString() ?? null,
    failureSeenAt: row.failureSeenAt?.toISOString() ?? null,
    version: row.version,
    clientId: row.clientId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    showAsScheduled: row.showAsScheduled,
  };
}
