import type { MessageContentType } from '@herald/shared';
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
  scheduledMessageId: string | null;
  scheduledTime: Date | null;
}

/** Reads messages with their media columns; `m` is messages, `md` media. */
export const MESSAGE_SELECT = `
  SELECT m.id, m.seq, m.conversation_id AS "conversationId", m.sender_id AS "senderId", m.content,
    m.content_type AS "contentType", m.media_id AS "mediaId", md.kind AS "mediaKind",
    md.mime_type AS "mediaMimeType", md.size AS "mediaSize", m.is_one_time_media AS "isOneTimeMedia",
    m.view_limit AS "viewLimit", m.media_expiry_seconds AS "mediaExpirySeconds",
    m.media_expires_at AS "mediaExpiresAt", m.reply_to_id AS "replyToId", m.client_id AS "clientId",
    m.created_at AS "createdAt", m.expires_at AS "expiresAt", m.scheduled_message_id AS "scheduledMessageId",
    m.scheduled_time AS "scheduledTime"
  FROM messages m LEFT JOIN media md ON md.id = m.media_id`;

/** A message to write. `writeMessages` in messages.ts is the only caller of the insert below. */
export interface NewMessage {
  conversationId: string;
  senderId: string;
  content: string;
  contentType: MessageContentType;
  mediaId: string | null;
  isOneTimeMedia: boolean;
  viewLimit: number | null;
  mediaExpirySeconds: number | null;
  replyToId: string | null;
  clientId: string | null;
  scheduledMessageId: string | null;
  scheduledTime: Date | null;
}

/** What one write produced: the rows, and who (current members) must receive each. */
export interface WrittenBatch {
  rows: MessageRow[];
  audience: { conversationId: string; userId: string }[];
}

/**
 * Writes a batch of messages in one statement (one round trip). It only inserts message rows:
 * unread counts and each conversation's last message are read from messages (see
 * selectMyConversations), so a send writes nothing else.
 *  1. locks the touched conversations in id order: writers to one conversation take turns, so
 *     messages commit in seq order there (backward pagination never misses a late commit), and
 *     concurrent batches touching several conversations cannot deadlock;
 *  2. inserts in input order (seq follows it); temporary-mode expiry and one-time media expiry
 *     start now, at delivery. A conflict (repeated client id, scheduled message already
 *     delivered) inserts nothing for that row, and the caller sees it missing;
 *  3. marks media as attached;
 *  4. returns each message with its media and the conversation's current members (the audience).
 */
export async function writeMessageBatch(q: Queryable, batch: readonly NewMessage[], now: Date): Promise<WrittenBatch> {
  const col = <K extends keyof NewMessage>(key: K) => batch.map((m) => m[key]);
  const { rows } = await q.query<MessageRow & { audience: string[] }>(
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::boolean[], $7::int[],
                            $8::int[], $9::uuid[], $10::text[], $11::uuid[], $12::timestamptz[])
         WITH ORDINALITY AS i(conversation_id, sender_id, content, content_type, media_id, is_one_time_media,
                              view_limit, media_expiry_seconds, reply_to_id, client_id, scheduled_message_id,
                              scheduled_time, ord)
     ),
     locked AS MATERIALIZED (
       SELECT c.id, c.temporary_ttl_seconds FROM conversations c
       WHERE c.id IN (SELECT conversation_id FROM input)
       ORDER BY c.id
       FOR NO KEY UPDATE
     ),
     inserted AS (
       INSERT INTO messages (conversation_id, sender_id, content, content_type, media_id, is_one_time_media,
         view_limit, media_expiry_seconds, media_expires_at, reply_to_id, client_id, created_at, expires_at,
         scheduled_message_id, scheduled_time)
       SELECT i.conversation_id, i.sender_id, i.content, i.content_type, i.media_id, i.is_one_time_media,
         i.view_limit, i.media_expiry_seconds, $13::timestamptz + make_interval(secs => i.media_expiry_seconds),
         i.reply_to_id, i.client_id, $13::timestamptz, $13::timestamptz + make_interval(secs => c.temporary_ttl_seconds),
         i.scheduled_message_id, i.scheduled_time
       FROM input i JOIN locked c ON c.id = i.conversation_id
       ORDER BY i.ord
       ON CONFLICT DO NOTHING
       RETURNING *
     ),
     attached AS (
       UPDATE media md SET attached_at = COALESCE(md.attached_at, $13::timestamptz)
       FROM inserted m WHERE md.id = m.media_id
       RETURNING md.id, md.kind, md.mime_type, md.size
     )
     SELECT m.id, m.seq, m.conversation_id AS "conversationId", m.sender_id AS "senderId", m.content,
       m.content_type AS "contentType", m.media_id AS "mediaId", md.kind AS "mediaKind",
       md.mime_type AS "mediaMimeType", md.size AS "mediaSize", m.is_one_time_media AS "isOneTimeMedia",
       m.view_limit AS "viewLimit", m.media_expiry_seconds AS "mediaExpirySeconds",
       m.media_expires_at AS "mediaExpiresAt", m.reply_to_id AS "replyToId", m.client_id AS "clientId",
       m.created_at AS "createdAt", m.expires_at AS "expiresAt", m.scheduled_message_id AS "scheduledMessageId",
       m.scheduled_time AS "scheduledTime",
       ARRAY(SELECT cm.user_id FROM conversation_members cm
             WHERE cm.conversation_id = m.conversation_id AND cm.left_at IS NULL) AS audience
     FROM inserted m LEFT JOIN attached md ON md.id = m.media_id
     ORDER BY m.seq`,
    [
      col('conversationId'),
      col('senderId'),
      col('content'),
      col('contentType'),
      col('mediaId'),
      col('isOneTimeMedia'),
      col('viewLimit'),
      col('mediaExpirySeconds'),
      col('replyToId'),
      col('clientId'),
      col('scheduledMessageId'),
      batch.map((m) => m.scheduledTime?.toISOString() ?? null),
      now.toISOString(),
    ],
    { name: 'herald_write_messages' },
  );
  const audience = new Map<string, string[]>();
  for (const row of rows) audience.set(row.conversationId, row.audience);
  return {
    rows: rows.map(({ audience: _audience, ...row }) => ({ ...row, seq: Number(row.seq) })),
    audience: [...audience].flatMap(([conversationId, users]) => users.map((userId) => ({ conversationId, userId }))),
  };
}

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
 * "delete chat"), without expired temporary messages. `before` is an exclusive seq cursor.
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
  },
): Promise<MessageRow[]> {
  const { rows } = await q.query<MessageRow>(
    `${MESSAGE_SELECT}
     WHERE m.conversation_id = $1 AND m.created_at >= $2 AND ($3::timestamptz IS NULL OR m.created_at > $3)
       AND ($4::bigint IS NULL OR m.seq < $4) AND (m.expires_at IS NULL OR m.expires_at > $6)
     ORDER BY m.seq DESC
     LIMIT $5`,
    [args.conversationId, args.joinedAt, args.historyFrom, args.before, args.limit, args.now],
  );
  return rows;
}

export interface ReactionRow {
  messageId: string;
  userId: string;
  emoji: string;
}

export async function selectReactions(q: Queryable, messageIds: readonly string[]): Promise<ReactionRow[]> {
  if (messageIds.length === 0) return [];
  const { rows } = await q.query<ReactionRow>(
    `SELECT message_id AS "messageId", user_id AS "userId", emoji FROM reactions
     WHERE message_id = ANY($1::uuid[]) ORDER BY created_at, user_id`,
    [messageIds],
  );
  return rows;
}

export async function upsertReaction(q: Queryable, messageId: string, userId: string, emoji: string, now: Date) {
  await q.query(
    `INSERT INTO reactions (message_id, user_id, emoji, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (message_id, user_id) DO UPDATE SET emoji = EXCLUDED.emoji, created_at = EXCLUDED.created_at`,
    [messageId, userId, emoji, now],
  );
}

export async function deleteReaction(q: Queryable, messageId: string, userId: string): Promise<void> {
  await q.query('DELETE FROM reactions WHERE message_id = $1 AND user_id = $2', [messageId, userId]);
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

export async function selectMaxSeq(q: Queryable, conversationId: string): Promise<number> {
  const { rows } = await q.query<{ seq: number | null }>(
    'SELECT max(seq) AS seq FROM messages WHERE conversation_id = $1',
    [conversationId],
  );
  return Number(rows[0]?.seq ?? 0);
}

/** Ids of messages from others in (fromSeq, toSeq]: the ones a watermark move changes. */
export async function selectIdsBetween(
  q: Queryable,
  conversationId: string,
  userId: string,
  fromSeq: number,
  toSeq: number,
): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM messages WHERE conversation_id = $1 AND sender_id <> $2 AND seq > $3 AND seq <= $4 ORDER BY seq`,
    [conversationId, userId, fromSeq, toSeq],
  );
  return rows.map((r) => r.id);
}

export async function updateReadWatermark(
  q: Queryable,
  conversationId: string,
  userId: string,
  seq: number,
  now: Date,
): Promise<void> {
  await q.query(
    `UPDATE conversation_members SET
       read_seq = GREATEST(read_seq, $3), read_at = $4,
       delivered_at = CASE WHEN delivered_seq < $3 THEN $4 ELSE delivered_at END,
       delivered_seq = GREATEST(delivered_seq, $3)
     WHERE conversation_id = $1 AND user_id = $2`,
    [conversationId, userId, seq, now],
  );
}

export async function updateDeliveredWatermark(
  q: Queryable,
  conversationId: string,
  userId: string,
  seq: number,
  now: Date,
): Promise<void> {
  await q.query(
    `UPDATE conversation_members SET delivered_seq = $3, delivered_at = $4
     WHERE conversation_id = $1 AND user_id = $2 AND delivered_seq < $3`,
    [conversationId, userId, seq, now],
  );
}

/** The highest seq among the given messages of the conversation that others sent. */
export async function selectMaxSeqOf(
  q: Queryable,
  conversationId: string,
  userId: string,
  messageIds: readonly string[],
): Promise<number> {
  const { rows } = await q.query<{ seq: number | null }>(
    `SELECT max(seq) AS seq FROM messages WHERE conversation_id = $1 AND sender_id <> $2 AND id = ANY($3::uuid[])`,
    [conversationId, userId, messageIds],
  );
  return Number(rows[0]?.seq ?? 0);
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
