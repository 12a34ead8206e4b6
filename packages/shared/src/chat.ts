import { z } from 'zod';
import type { PublicKeysView, PublicUser } from './auth.js';
import { ConversationId, MediaId, MessageId, UserId, type ScheduledMessageId } from './ids.js';
import { MAX_CONTENT_LENGTH, MAX_GROUP_MEMBERS, MAX_PAGE_SIZE, type TemporaryTtl } from './limits.js';
import { boundedInt, lineText, multilineText, nameText, queryInt } from './text.js';

export type ConversationKind = 'direct' | 'group';
export type MemberRole = 'owner' | 'admin' | 'member';

export interface ConversationMember {
  user: PublicUser;
  role: MemberRole;
  joinedAt: string;
}

export interface Conversation {
  id: ConversationId;
  kind: ConversationKind;
  /** Group title; null for direct chats (show the other member's name). */
  title: string | null;
  createdBy: UserId | null;
  createdAt: string;
  temporaryTtlSeconds: TemporaryTtl;
  /** Current members (people who left or were removed are not listed). */
  members: ConversationMember[];
  myRole: MemberRole;
  lastMessage: Message | null;
  /** Last message time, or creation time: the list is ordered by this, newest first. */
  lastActivityAt: string;
  unreadCount: number;
  /** Direct chats: whether I blocked the other member. */
  blockedByMe: boolean;
  /** My pending scheduled messages in this conversation (the "N scheduled" bar). */
  scheduledPendingCount: number;
}

export type MessageContentType = 'text' | 'image' | 'video';
export type MessageStatus = 'sent' | 'delivered' | 'read';

export interface Receipt {
  userId: UserId;
  deliveredAt: string | null;
  readAt: string | null;
}

export interface Reaction {
  userId: UserId;
  emoji: string;
}

export interface MediaInfo {
  id: MediaId;
  kind: 'image' | 'video';
  /** The type the uploader declared; served as application/octet-stream regardless. */
  mimeType: string;
  size: number;
}

export interface Message {
  id: MessageId;
  conversationId: ConversationId;
  /** Null never happens for live accounts; a deleted sender keeps its id (shown as deleted). */
  senderId: UserId;
  content: string;
  contentType: MessageContentType;
  media: MediaInfo | null;
  isOneTimeMedia: boolean;
  viewLimit: number | null;
  /** Seconds a one-time media stays available after delivery; null = no expiry. */
  mediaExpiryDuration: number | null;
  /** When one-time media stops being served (delivery time + mediaExpiryDuration). */
  mediaExpiresAt: string | null;
  /** How many times the requesting user has opened this one-time media (0 in live events). */
  myViews: number;
  replyToId: MessageId | null;
  clientId: string | null;
  /**
   * The conversation's order: increases with every message written (a delivery batch shares one
   * createdAt, so time alone cannot order it). Clients sort by this, never by time or id.
   */
  seq: number;
  createdAt: string;
  /** Temporary mode: when the server deletes this message. */
  expiresAt: string | null;
  scheduledMessageId: ScheduledMessageId | null;
  scheduledTime: string | null;
  /** Direct chats: the recipient's status; groups: the least advanced status over recipients. */
  messageStatus: MessageStatus;
  receipts: Receipt[];
  reactions: Reaction[];
}

export interface MessagePage {
  /** Newest first. */
  messages: Message[];
  /** Pass as `before` to get the next (older) page; null when there is none. */
  nextCursor: string | null;
}

// ---- request bodies --------------------------------------------------------------------------

export const ClientId = lineText().trim().min(1).max(64);

/** A group title, as people read it. */
export const GroupTitle = nameText().trim().min(1).max(100);

export const CreateDirectBody = z.object({ userId: UserId });
export const CreateGroupBody = z.object({
  title: GroupTitle,
  memberIds: z
    .array(UserId)
    .max(MAX_GROUP_MEMBERS - 1)
    .default([]),
});
export const UpdateConversationBody = z
  .object({
    title: GroupTitle,
    temporaryTtlSeconds: z
      .literal([3_600, 86_400, 604_800, 7_776_000], { message: 'must be one of 3600, 86400, 604800, 7776000 or null' })
      .nullable(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export const AddMembersBody = z.object({ userIds: z.array(UserId).min(1).max(MAX_GROUP_MEMBERS) });
export const ChangeRoleBody = z.object({ role: z.enum(['admin', 'member']) });

/** One-time media options, shared by live and scheduled sends. */
export const OneTimeMediaFields = {
  isOneTimeMedia: z.boolean().default(false),
  viewLimit: boundedInt(1, 100).nullable().optional(),
  mediaExpiryDuration: boundedInt(1, 30 * 86_400)
    .nullable()
    .optional(),
};

export const SendMessageBody = z.object({
  clientId: ClientId.optional(),
  content: multilineText().max(MAX_CONTENT_LENGTH),
  contentType: z.enum(['text', 'image', 'video']).default('text'),
  mediaId: MediaId.optional(),
  replyToId: MessageId.optional(),
  ...OneTimeMediaFields,
});
export type SendMessageBody = z.input<typeof SendMessageBody>;

export const MessagePageQuery = z.object({
  before: lineText().min(1).max(200).optional(),
  limit: queryInt(1, MAX_PAGE_SIZE).default(50),
});

export const MarkDeliveredBody = z.object({ messageIds: z.array(MessageId).min(1).max(500) });
/** Emoji sequences join with U+200D (a format character), so reactions refuse control characters only. */
export const ReactionBody = z.object({ emoji: lineText().min(1).max(16) });

export const ConversationIdParam = ConversationId;

/** `GET /api/config`: the limits a client needs to show before the server refuses. */
export interface PublicConfig {
  scheduling: {
    /** The server refuses times sooner than this. */
    minLeadSeconds: number;
    /** The web picker offers nothing sooner than this (60 s by default). */
    pickerMinLeadSeconds: number;
    maxHorizonDays: number;
    maxPendingPerConversation: number;
    maxPendingPerUser: number;
    maxRetries: number;
  };
  media: { maxImageBytes: number; maxVideoBytes: number };
  temporaryTtls: readonly (number | null)[];
  maxContentLength: number;
  /** The longest text a message may hold before sealing (`MAX_TEXT_LENGTH`). */
  maxTextLength: number;
}

/** `GET /api/conversations/:id/keys`: the public keys of the conversation's current members. */
export interface ConversationKeys {
  conversationId: ConversationId;
  members: PublicKeysView[];
}

/** `error.details` of 409 `recipients_mismatch`: user ids to add to and drop from the recipients. */
export interface RecipientsMismatchDetails {
  missing: UserId[];
  extra: UserId[];
}
