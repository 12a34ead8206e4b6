import { z } from 'zod';

/**
 * Branded ids: a `UserId` cannot be passed where a `ConversationId` is expected, although both are
 * uuids on the wire. Parse with the matching schema at every boundary.
 */
export const UserId = z.uuid().brand<'UserId'>();
export type UserId = z.infer<typeof UserId>;

export const SessionId = z.uuid().brand<'SessionId'>();
export type SessionId = z.infer<typeof SessionId>;

export const ConversationId = z.uuid().brand<'ConversationId'>();
export type ConversationId = z.infer<typeof ConversationId>;

export const MessageId = z.uuid().brand<'MessageId'>();
export type MessageId = z.infer<typeof MessageId>;

export const MediaId = z.uuid().brand<'MediaId'>();
export type MediaId = z.infer<typeof MediaId>;

export const ScheduledMessageId = z.uuid().brand<'ScheduledMessageId'>();
export type ScheduledMessageId = z.infer<typeof ScheduledMessageId>;
