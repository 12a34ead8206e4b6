import { z } from 'zod';
import type { PublicKeysView, PublicUser } from './auth.js';
import type { Ack } from './envelope.js';
import {
  SendMessageBody,
  type Conversation,
  type ConversationMember,
  type MediaOpen,
  type MemberRole,
  type Message,
  type Reaction,
} from './chat.js';
import { ConversationId, MessageId, type UserId } from './ids.js';
import type {
  ScheduledFailedEvent,
  ScheduledMessage,
  ScheduledRetryingEvent,
  ScheduledSentEvent,
} from './scheduling.js';

/** Server -> client events. Every event goes to users (all their devices), never to client-chosen rooms. */
export interface ServerToClientEvents {
  receive_message: (message: Message) => void;
  message_status: (event: MessageStatusEvent) => void;
  message_deleted: (event: { conversationId: ConversationId; messageIds: MessageId[] }) => void;
  /**
   * A message was edited or deleted for everyone (a tombstone): the whole message, to every
   * current member who can see it. "Delete for me" is `message_deleted` to my own devices.
   */
  message_updated: (message: Message) => void;
  reaction_updated: (event: { conversationId: ConversationId; messageId: MessageId; reactions: Reaction[] }) => void;
  /** One-time media was opened by a recipient: to its sender only, with everyone who opened it so far. */
  media_opened: (event: { conversationId: ConversationId; messageId: MessageId; openedBy: MediaOpen[] }) => void;
  /** The conversation as the receiving user sees it (their unread count and role). */
  conversation_updated: (conversation: Conversation) => void;
  /** The conversation is gone for this user (deleted on another device, removed from the group). */
  conversation_removed: (event: { conversationId: ConversationId; reason: 'deleted' | 'removed' | 'left' }) => void;
  member_joined: (event: { conversationId: ConversationId; member: ConversationMember }) => void;
  member_left: (event: {
    conversationId: ConversationId;
    userId: UserId;
    reason: 'left' | 'removed' | 'account_deleted';
  }) => void;
  /**
   * A member's role changed: promoted or demoted by an admin (`changed`), or made owner because
   * the owner left or deleted their account (`inherited`). Sent to every current member.
   */
  member_role_changed: (event: {
    conversationId: ConversationId;
    userId: UserId;
    role: MemberRole;
    reason: 'changed' | 'inherited';
  }) => void;
  typing: (event: { conversationId: ConversationId; userId: UserId; typing: boolean }) => void;
  user_online: (event: { userId: UserId }) => void;
  user_offline: (event: { userId: UserId; lastSeenAt: string }) => void;
  /**
   * A user set or replaced their public keys: sent to the user (all devices) and to everyone who
   * shares a conversation with them. Clients drop cached keys and warn when a known key changed.
   */
  user_keys_changed: (event: PublicKeysView) => void;
  /**
   * A user's public profile changed (their avatar: set, replaced or removed): sent to the user
   * (all devices) and to everyone who shares a conversation with them. Presence fields are not
   * meaningful here (online false, lastSeenAt null): clients keep the ones they have.
   */
  user_updated: (user: PublicUser) => void;
  scheduled_message_created: (scheduled: ScheduledMessage) => void;
  scheduled_message_updated: (scheduled: ScheduledMessage) => void;
  scheduled_message_cancelled: (scheduled: ScheduledMessage) => void;
  scheduled_message_sent: (event: ScheduledSentEvent) => void;
  scheduled_message_failed: (event: ScheduledFailedEvent) => void;
  scheduled_message_retrying: (event: ScheduledRetryingEvent) => void;
}

export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

export interface MessageStatusEvent {
  conversationId: ConversationId;
  /** Whose device acknowledged or who read. */
  userId: UserId;
  status: 'delivered' | 'read';
  at: string;
  messageIds: MessageId[];
}

// ---- client -> server commands, validated at runtime with these schemas ----------------------

export const SendMessageCommand = SendMessageBody.extend({ conversationId: ConversationId });
export const MarkReadCommand = z.object({ conversationId: ConversationId });
export const MarkDeliveredCommand = z.object({
  conversationId: ConversationId,
  messageIds: z.array(MessageId).min(1).max(500),
});
export const TypingCommand = z.object({ conversationId: ConversationId, typing: z.boolean() });

export interface ClientToServerEvents {
  send_message: (command: z.input<typeof SendMessageCommand>, ack: (result: Ack<Message>) => void) => void;
  mark_read: (command: z.input<typeof MarkReadCommand>, ack: (result: Ack<{ unreadCount: number }>) => void) => void;
  mark_delivered: (command: z.input<typeof MarkDeliveredCommand>, ack: (result: Ack<null>) => void) => void;
  typing: (command: z.input<typeof TypingCommand>, ack?: (result: Ack<null>) => void) => void;
}
