import type { MessageContentType, TimelineEvent } from '@herald/shared';
import type { Queryable } from '../../db/db.js';

export interface MessageRow {
  id: string;
  seq: number;
  conversationId: string;
  senderId: string;
  content: string;
  contentType: MessageContentType;
  mediaId: string | null;
  mediaKind: 'image' | 'video' | null;
  mediaMimeType: string | null;
  mediaSize: number | null;
  isOneTimeMedia: boolean;
  viewLimit: number | null;
  mediaExpirySeconds: number | null;
  mediaExpiresAt: Date | null;
  replyToId: string | null;
  clientId: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  editedAt: Date | null;
  deletedAt: Date | null;
  scheduledMessageId: string | null;
  scheduledTime: Date | null;
  /** Timeline events (contentType 'event'): what happened (migration 0007). */
  event: TimelineEvent | null;
  /** Read from its scheduled row (migration 0009): recipients see it was scheduled only when true. */
  showAsScheduled: boolean;
}

/**
 * A MessageRow's columns, from messages `m` and media `md` (the writer returns the same shape).
 * `content` is the expression for the content column: the writer leaves out what it already holds.
 */
export const messageColumns = (content = 'm.content') => `
  m.id, m.seq, m.conversation_id AS "conversationId", m.sender_id AS "senderId", ${content} AS content,
  m.content_type AS "contentType", m.media_id AS "mediaId", md.kind AS "mediaKind",
  md.mime_type AS "mediaMimeType", md.size AS "mediaSize", m.is_one_time_media AS "isOneTimeMedia",
  m.view_limit AS "viewLimit", m.media_expiry_seconds AS "mediaExpirySeconds",
  m.media_expires_at AS "mediaExpiresAt", m.reply_to_id AS "replyToId", m.client_id AS "clientId",
  m.created_at AS "createdAt", m.expires_at AS "expiresAt", m.edited_at AS "editedAt", m.deleted_at AS "deletedAt",
  m.scheduled_message_id AS "scheduledMessageId",
  m.scheduled_time AS "scheduledTime", m.event,
  COALESCE((SELECT s.show_as_scheduled FROM scheduled_messages s WHERE s.id = m.scheduled_message_id), false)
    AS "showAsScheduled"`;

export const MESSAGE_COLUMNS = messageColumns();

/** Reads messages with their media columns; `m` is messages, `md` media. */
export const MESSAGE_SELECT = `
  SELECT ${MESSAGE_COLUMNS}
  FROM messages m LEFT JOIN media md ON md.id = m.media_id`;

export async function selectMessagesByIds(q: Queryable, ids: readonly string[]): Promise<MessageRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<MessageRow>(`${MESSAGE_SELECT} WHERE m.id = ANY($1::uuid[]) ORDER BY m.seq`, [ids]);
  return rows;
}

export async function selectMessageByClientId(
  q: Queryable,
  senderId: string,
  clientId: string,
): Promise<MessageRow | undefined> {
  const { rows } = await q.query<MessageRow>(`${MESSAGE_SELECT} WHERE m.sender_id = $1 AND m.client_id = $2`, [
    senderId,
    clientId,
  ]);
  return rows[0];
}

/**
 * A page of a conversation as one member sees it: newest first, from their join (and after a
 * "delete chat"), without expired temporary messages nor the ones they deleted for themselves
 * (message_hides, probed by its primary key). `before` is an exclusive seq cursor.
 */
export async function selectMessagePage(
  q: Queryable,
  args: {
    conversationId: string;
    joinedAt: Date;
    historyFrom: Date | null;
    before: number | null;
    limit: number;
    now: Date;
    viewerId: string;
  },
): Promise<MessageRow[]> {
  const { rows } = await q.query<MessageRow>(
    `${MESSAGE_SELECT}
     WHERE m.conversation_id = $1 AND m.created_at >= $2 AND ($3::timestamptz IS NULL OR m.created_at > $3)
       AND ($4::bigint IS NULL OR m.seq < $4) AND (m.expires_at IS NULL OR m.expires_at > $6)
       AND NOT EXISTS (SELECT 1 FROM message_hides h WHERE h.user_id = $7 AND h.message_id = m.id)
     ORDER BY m.seq DESC
     LIMIT $5`,
    [args.conversationId, args.joinedAt, args.historyFrom, args.before, args.limit, args.now, args.viewerId],
  );
  return rows;
}

/** The caller's opens of one-time media among these messages. */
export async function selectMyViews(q: Queryable, messageIds: readonly string[], userId: string) {
  if (messageIds.length === 0) return new Map<string, number>();
  const { rows } = await q.query<{ messageId: string; views: number }>(
    `SELECT message_id AS "messageId", views FROM media_views WHERE message_id = ANY($1::uuid[]) AND user_id = $2`,
    [messageIds, userId],
  );
  return new Map(rows.map((r) => [r.messageId, r.views]));
}

/** Deletes a batch of expired temporary-mode messages; returns what went. */
export async function deleteExpiredMessages(
  q: Queryable,
  now: Date,
  limit: number,
): Promise<{ id: string; conversationId: string; mediaId: string | null }[]> {
  const { rows } = await q.query<{ id: string; conversationId: string; mediaId: string | null }>(
    `DELETE FROM messages WHERE id IN (
       SELECT id FROM messages WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING id, conversation_id AS "conversationId", media_id AS "mediaId"`,
    [now, limit],
  );
  return rows;
}
