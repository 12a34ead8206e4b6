import type { Conversation, Message, PublicUser, ScheduledMessage, SelfUser } from '@herald/shared';

let seq = 0;
/** A valid-looking uuid, unique per call, readable in failures (ends with a counter). */
export function uuid(prefix = 'a'): string {
  seq += 1;
  const tail = String(seq).padStart(12, '0');
  return `${prefix.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${tail}`;
}

export function user(overrides: Partial<PublicUser> = {}): PublicUser {
  return {
    id: uuid('u') as PublicUser['id'],
    username: 'alice',
    displayName: 'Alice',
    timeZone: 'Europe/Paris',
    online: false,
    lastSeenAt: null,
    deleted: false,
    x25519PublicKey: null,
    ed25519PublicKey: null,
    avatarUrl: null,
    ...overrides,
  };
}

export function selfUser(overrides: Partial<SelfUser> = {}): SelfUser {
  return {
    ...user(),
    createdAt: '2026-01-01T00:00:00.000Z',
    encryptedPrivateKeys: null,
    unseenFailedScheduled: 0,
    ...overrides,
  };
}

let made = 0;

/**
 * A message; unless given, its `seq` follows its `createdAt` (then the order of the calls), as the
 * server's would: a later message has a higher `seq`.
 */
export function message(overrides: Partial<Message> = {}): Message {
  made += 1;
  const createdAt = overrides.createdAt ?? '2026-03-10T10:00:00.000Z';
  return {
    id: uuid('m') as Message['id'],
    conversationId: 'c0000000-0000-4000-8000-000000000001' as Message['conversationId'],
    senderId: 'u0000000-0000-4000-8000-000000000001' as Message['senderId'],
    seq: Date.parse(createdAt) * 1000 + made,
    content: 'hello',
    contentType: 'text',
    media: null,
    isOneTimeMedia: false,
    viewLimit: null,
    mediaExpiryDuration: null,
    mediaExpiresAt: null,
    myViews: 0,
    replyToId: null,
    clientId: null,
    createdAt: '2026-03-10T10:00:00.000Z',
    expiresAt: null,
    scheduledMessageId: null,
    scheduledTime: null,
    editedAt: null,
    deletedAt: null,
    messageStatus: 'sent',
    receipts: [],
    reactions: [],
    ...overrides,
  };
}

export function scheduled(overrides: Partial<ScheduledMessage> = {}): ScheduledMessage {
  return {
    id: uuid('s') as ScheduledMessage['id'],
    conversationId: 'c0000000-0000-4000-8000-000000000001' as ScheduledMessage['conversationId'],
    senderId: 'u0000000-0000-4000-8000-000000000001' as ScheduledMessage['senderId'],
    receiverId: null,
    content: 'see you tomorrow',
    contentType: 'text',
    mediaId: null,
    isOneTimeMedia: false,
    viewLimit: null,
    mediaExpiryDuration: null,
    replyToId: null,
    scheduledTime: '2026-03-12T08:00:00.000Z',
    status: 'pending',
    retryCount: 0,
    maxRetries: 3,
    nextAttemptAt: '2026-03-12T08:00:00.000Z',
    showAsScheduled: false,
    lastError: null,
    failureCode: null,
    failureReason: null,
    sentAt: null,
    messageId: null,
    cancelledAt: null,
    failureSeenAt: null,
    version: 1,
    clientId: null,
    createdAt: '2026-03-10T10:00:00.000Z',
    updatedAt: '2026-03-10T10:00:00.000Z',
    ...overrides,
  };
}

export function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c0000000-0000-4000-8000-000000000001' as Conversation['id'],
    kind: 'direct',
    title: null,
    createdBy: null,
    createdAt: '2026-03-01T10:00:00.000Z',
    temporaryTtlSeconds: null,
    members: [],
    myRole: 'member',
    lastMessage: null,
    lastActivityAt: '2026-03-01T10:00:00.000Z',
    unreadCount: 0,
    blockedByMe: false,
    scheduledPendingCount: 0,
    mutedUntil: null,
    ...overrides,
  };
}
