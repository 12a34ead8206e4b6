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
  /**
   * My notifications for this chat are muted until this instant (RFC 3339), or 'forever'; null =
   * not muted. A mute that has ended is null from the server; clients compare with their clock too.
   */
  mutedUntil: string | null;
  /**
   * Groups: the picture, end-to-end encrypted like any file (absent or null: none; show initials).
   * `envelope` is sealed for the members when it was set and carries the file's key (its
   * `EncryptedMedia`); members who cannot open it (joined later) show the initials.
   */
  picture?: GroupPicture | null;
}

/** A group's picture: the sealed image and the envelope holding its key (issue 13, item 9). */
export interface GroupPicture {
  media: MediaInfo;
  /** A message envelope (kind 'image', sender `setBy`) whose plaintext carries `media` secrets. */
  envelope: string;
  setBy: UserId | null;
  updatedAt: string;
}

export type MessageContentType = 'text' | 'image' | 'video' | 'event';

/**
 * What a timeline event (contentType 'event', written by the server) records. The actor is the
 * message's senderId; `names` holds the display names of the actor and targets when it happened,
 * so that someone who left or was removed still has a name (clients prefer the current member's).
 */
export type TimelineEventBody =
  | { kind: 'group_created'; title: string; userIds: UserId[] }
  | { kind: 'members_added'; userIds: UserId[] }
  | { kind: 'member_removed'; userId: UserId }
  | { kind: 'member_left' }
  | { kind: 'member_gone' }
  | { kind: 'role_changed'; userId: UserId; role: 'admin' | 'member' }
  | { kind: 'owner_inherited'; userId: UserId }
  | { kind: 'title_changed'; title: string }
  | { kind: 'temporary_mode_changed'; ttlSeconds: TemporaryTtl };
export type TimelineEventKind = TimelineEventBody['kind'];
export type TimelineEvent = TimelineEventBody & { names: Record<string, string> };
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

/** A recipient's opening of one-time media, as its sender sees it. */
export interface MediaOpen {
  userId: UserId;
  views: number;
  lastOpenedAt: string;
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
  /**
   * Timeline events only (contentType 'event', content ''): what happened; null for messages. The
   * server always sends it; optional so that client-made copies (optimistic sends) may leave it out.
   */
  event?: TimelineEvent | null;
  /** When the sender last edited the content (the envelope was replaced); null = never edited. */
  editedAt: string | null;
  /**
   * "Deleted for everyone": a tombstone (content '', no media, reactions and views gone) that
   * keeps its place in the timeline; null = not deleted.
   */
  deletedAt: string | null;
  /**
   * One-time media, on its sender's copy only (absent for everyone else and for other messages):
   * who opened it and when, one entry per recipient who did (issue 13, item 9).
   */
  openedBy?: MediaOpen[];
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
/** PUT /api/conversations/:id/mute: until an instant (RFC 3339 with an offset), 'forever', or null (unmute). */
export const MuteConversationBody = z.object({
  until: z.union([z.literal('forever'), lineText().max(64)]).nullable(),
});
export type MuteConversationBody = z.input<typeof MuteConversationBody>;

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
/** `PATCH /api/messages/:id`: the new content, sealed for the current members like a send. */
export const EditMessageBody = z.object({ content: multilineText().max(MAX_CONTENT_LENGTH) });
export type EditMessageBody = z.input<typeof EditMessageBody>;
/** `DELETE /api/messages/:id?for=everyone|me`. */
export const DeleteMessageQuery = z.object({ for: z.enum(['everyone', 'me']) });

/** Emoji sequences join with U+200D (a format character), so reactions refuse control characters only. */
export const ReactionBody = z.object({ emoji: lineText().min(1).max(16) });
/**
 * `PUT /api/conversations/:id/picture`: an image upload (sealed on the device, not yet used) and
 * the envelope carrying its key, sealed for the current members (kind 'image').
 */
export const SetGroupPictureBody = z.object({ mediaId: MediaId, content: multilineText().max(MAX_CONTENT_LENGTH) });
export type SetGroupPictureBody = z.input<typeof SetGroupPictureBody>;

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
