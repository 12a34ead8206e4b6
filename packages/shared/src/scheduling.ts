import { z } from 'zod';
import { ClientId, OneTimeMediaFields, type Message, type MessageContentType } from './chat.js';
import { ConversationId, MediaId, MessageId, UserId, type ScheduledMessageId } from './ids.js';
import { MAX_CONTENT_LENGTH } from './limits.js';
import { boundedInt, finiteNumber, INT4_MAX, lineText, multilineText } from './text.js';

export type ScheduledStatus = 'pending' | 'sent' | 'failed' | 'cancelled';
export const SCHEDULED_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;

/** Why a scheduled message was not delivered; each has a sentence in FAILURE_TEXT. */
export const FAILURE_CODES = [
  'conversation_deleted',
  'sender_not_member',
  'recipient_unavailable',
  'sender_deleted',
  'receiver_deleted',
  'media_missing',
  'late_cutoff',
  'delivery_error',
  'reply_missing',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

/**
 * The readable reason shown to the sender. `recipient_unavailable` covers blocks on purpose and
 * says no more than sending a live message would (see docs/security.md).
 */
export const FAILURE_TEXT: Record<FailureCode, string> = {
  conversation_deleted: 'You deleted this chat before the message was due.',
  sender_not_member: 'You are no longer a member of this group.',
  recipient_unavailable: 'This person cannot receive your messages.',
  sender_deleted: 'Your account was deleted.',
  receiver_deleted: "The recipient's account was deleted.",
  media_missing: 'The attached media is no longer available.',
  late_cutoff: 'The server could not send it in time; it was too late to send.',
  delivery_error: 'Delivery kept failing after several attempts.',
  reply_missing: 'The message it replies to is no longer available.',
};

export interface ScheduledMessage {
  id: ScheduledMessageId;
  conversationId: ConversationId;
  senderId: UserId;
  /** Direct chats: the other member. Null for groups. */
  receiverId: UserId | null;
  content: string;
  /** What a person can schedule (a timeline event is never scheduled). */
  contentType: Exclude<MessageContentType, 'event'>;
  mediaId: string | null;
  isOneTimeMedia: boolean;
  viewLimit: number | null;
  mediaExpiryDuration: number | null;
  /** The message this one answers (in the same conversation); kept at delivery. */
  replyToId: MessageId | null;
  /** What the sender chose, UTC (RFC 3339). */
  scheduledTime: string;
  status: ScheduledStatus;
  /** Delivery attempts that failed transiently (at most maxRetries). */
  retryCount: number;
  maxRetries: number;
  /** When the next attempt is due (pending only; moves on retry). */
  nextAttemptAt: string | null;
  lastError: string | null;
  failureCode: FailureCode | null;
  failureReason: string | null;
  sentAt: string | null;
  messageId: string | null;
  cancelledAt: string | null;
  /** Failed: when the sender saw or dismissed the failure. */
  failureSeenAt: string | null;
  version: number;
  clientId: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * Whether recipients see that it was scheduled ("Scheduled" on their copy, with its time). By
   * default (false) a delivered scheduled message looks like any message to them.
   */
  showAsScheduled: boolean;
  /**
   * In lists: the group's title, or the direct chat's other person, so that an item stays
   * readable after its chat is gone for the sender. Absent from live events.
   */
  conversationTitle?: string | null;
}

/** Accepts RFC 3339 strings or epoch-ms numbers (or digit strings, from multipart forms). */
export const ScheduledTimeInput = z.union([lineText().max(64), finiteNumber()]);

export const CreateScheduledBody = z
  .object({
    senderId: UserId.optional(),
    receiverId: UserId.optional(),
    conversationId: ConversationId.optional(),
    content: multilineText().max(MAX_CONTENT_LENGTH),
    contentType: z.enum(['text', 'image', 'video']).optional(),
    mediaId: MediaId.optional(),
    replyToId: MessageId.optional(),
    scheduledTime: ScheduledTimeInput,
    clientId: ClientId.optional(),
    /** Recipients see "Scheduled" on their copy (default: it looks like any message). */
    showAsScheduled: z.boolean().optional(),
    ...OneTimeMediaFields,
  })
  .refine((b) => b.receiverId !== undefined || b.conversationId !== undefined, {
    message: 'give receiverId (direct chat) or conversationId',
    path: ['conversationId'],
  });
export type CreateScheduledBody = z.input<typeof CreateScheduledBody>;

export const UpdateScheduledBody = z
  .object({
    content: multilineText().max(MAX_CONTENT_LENGTH),
    scheduledTime: ScheduledTimeInput,
    version: boundedInt(1, INT4_MAX),
  })
  .partial()
  .refine((b) => b.content !== undefined || b.scheduledTime !== undefined, 'give content and/or scheduledTime');
export type UpdateScheduledBody = z.input<typeof UpdateScheduledBody>;

/**
 * Brings a cancelled or failed message back to pending (POST /api/scheduled-messages/:id/restore):
 * at its own time when that is still ahead, or at a new one; `content` when the client sealed it
 * again (an edit of a failed message); `version` is the copy the client saw.
 */
export const RestoreScheduledBody = z.object({
  version: boundedInt(1, INT4_MAX),
  scheduledTime: ScheduledTimeInput.optional(),
  content: multilineText().max(MAX_CONTENT_LENGTH).optional(),
});
export type RestoreScheduledBody = z.input<typeof RestoreScheduledBody>;

export const ScheduledListQuery = z.object({
  conversationId: ConversationId.optional(),
  status: z.enum(SCHEDULED_STATUSES).optional(),
  /** Include failed messages the sender dismissed (default: hide them). */
  includeDismissed: z.enum(['true', 'false']).optional(),
});

export interface ScheduledSentEvent {
  scheduledMessageId: ScheduledMessageId;
  message: Message;
  scheduledMessage: ScheduledMessage;
}

export interface ScheduledFailedEvent {
  scheduledMessageId: ScheduledMessageId;
  code: FailureCode;
  reason: string;
  scheduledMessage: ScheduledMessage;
}

export interface ScheduledRetryingEvent {
  scheduledMessageId: ScheduledMessageId;
  attempt: number;
  maxRetries: number;
  nextAttemptAt: string;
  error: string;
  scheduledMessage: ScheduledMessage;
}
