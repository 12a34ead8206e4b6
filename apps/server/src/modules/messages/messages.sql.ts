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

/** What one write produced: the rows, who was a current member, and attached media. */
export interface WrittenBatch {
  rows: MessageRow[];
  audience: { conversationId: string; userId: string }[];
}

interface JsonMessage {
  id: string;
  seq: number;
  conversation_id: string;
  sender_id: string;
  content: string;
  content_type: MessageContentType;
  media_id: string | null;
  is_one_time_media: boolean;
  view_limit: number | null;
  media_expiry_seconds: number | null;
  media_expires_at: string | null;
  reply_to_id: string | null;
  client_id: string | null;
  created_at: string;
  expires_at: string | null;
  scheduled_message_id: string | null;
  scheduled_time: string | null;
}

const date = (value: string | null) => (value === null ? null : new Date(value));

/**
 * Writes a batch of messages and every effect of sending them, in one statement (one round trip):
 *  1. locks the touched conversations in id order, so that concurrent batches cannot deadlock;
 *  2. inserts the messages in input order (seq follows it); temporary-mode expiry and one-time
 *     media expiry start now, at delivery. A conflict (repeated client id, scheduled message
 *     already delivered) inserts nothing for that row, and the caller sees it missing;
 *  3. points each conversation at its newest message;
 *  4. adds to every current member's unread count the messages others sent, and brings back a
 *     chat the member had deleted; the updated members are the audience to notify;
 *  5. marks media as attached.
 * Data-modifying CTEs all run to completion whether or not the final SELECT reads them.
 */
export async function writeMessageBatch(q: Queryable, batch: readonly NewMessage[], now: Date): Promise<WrittenBatch> {
  const col = <K extends keyof NewMessage>(key: K) => batch.map((m) => m[key]);
  const { rows } = await q.query<{
    messages: JsonMessage[];
    audience: [string, string][];
    media: { id: string; kind: 'image' | 'video'; mime_type: string; size: number }[];
  }>(
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
       RETURNING id, seq, conversation_id, sender_id, content, content_type, media_id, is_one_time_media, view_limit,
         media_expiry_seconds, media_expires_at, reply_to_id, client_id, created_at, expires_at, scheduled_message_id,
         scheduled_time
     ),
     last_messages AS (
       UPDATE conversations c SET last_message_id = x.id, last_activity_at = x.created_at
       FROM (SELECT DISTINCT ON (conversation_id) conversation_id, id, created_at
             FROM inserted ORDER BY conversation_id, seq DESC) x
       WHERE c.id = x.conversation_id
     ),
     audience AS (
       UPDATE conversation_members cm SET unread_count = cm.unread_count + x.n, hidden_at = NULL
       FROM (SELECT cm2.conversation_id, cm2.user_id, count(*) FILTER (WHERE m.sender_id <> cm2.user_id) AS n
             FROM inserted m
             JOIN conversation_members cm2 ON cm2.conversation_id = m.conversation_id AND cm2.left_at IS NULL
             GROUP BY cm2.conversation_id, cm2.user_id) x
       WHERE cm.conversation_id = x.conversation_id AND cm.user_id = x.user_id
       RETURNING cm.conversation_id, cm.user_id
     ),
     attached AS (
       UPDATE media md SET attached_at = COALESCE(md.attached_at, $13::timestamptz)
       FROM inserted m WHERE md.id = m.media_id
       RETURNING md.id, md.kind, md.mime_type, md.size
     )
     SELECT
       (SELECT COALESCE(json_agg(inserted ORDER BY seq), '[]'::json) FROM inserted) AS messages,
       (SELECT COALESCE(json_agg(json_build_array(conversation_id, user_id)), '[]'::json) FROM audience) AS audience,
       (SELECT COALESCE(json_agg(attached), '[]'::json) FROM attached) AS media`,
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
  );
  const result = rows[0]!;
  const media = new Map(result.media.map((m) => [m.id, m]));
  return {
    rows: result.messages.map((m): MessageRow => {
      const info = m.media_id ? media.get(m.media_id) : undefined;
      return {
        id: m.id,
        seq: Number(m.seq),
        conversationId: m.conversation_id,
        senderId: m.sender_id,
        content: m.content,
        contentType: m.content_type,
        mediaId: m.media_id,
        mediaKind: info?.kind ?? null,
        mediaMimeType: info?.mime_type ?? null,
        mediaSize: info ? Number(info.size) : null,
        isOneTimeMedia: m.is_one_time_media,
        viewLimit: m.view_limit,
        mediaExpirySeconds: m.media_expiry_seconds,
        mediaExpiresAt: date(m.media_expires_at),
        replyToId: m.reply_to_id,
        clientId: m.client_id,
        createdAt: new Date(m.created_at),
        expiresAt: date(m.expires_at),
        scheduledMessageId: m.scheduled_message_id,
        scheduledTime: date(m.scheduled_time),
      };
    }),
    audience: result.audience.map(([conversationId, userId]) => ({ conversationId, userId })),
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
       delivered_seq = GREATEST(delivered_seq, $3),
       unread_count = 0
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

/** After deletions: last message and unread counts recomputed for the touched conversations. */
export async function refreshConversations(q: Queryable, conversationIds: readonly string[]): Promise<void> {
  if (conversationIds.length === 0) return;
  await q.query(
    `UPDATE conversations c SET last_message_id =
       (SELECT id FROM messages m WHERE m.conversation_id = c.id ORDER BY seq DESC LIMIT 1)
     WHERE c.id = ANY($1::uuid[])`,
    [conversationIds],
  );
  await q.query(
    `UPDATE conversation_members cm SET unread_count = (
       SELECT count(*) FROM messages m WHERE m.conversation_id = cm.conversation_id AND m.seq > cm.read_seq
         AND m.sender_id <> cm.user_id AND m.created_at >= cm.joined_at)
     WHERE cm.conversation_id = ANY($1::uuid[]) AND cm.left_at IS NULL`,
    [conversationIds],
  );
}

export async function selectNextExpiry(q: Queryable): Promise<Date | undefined> {
  const { rows } = await q.query<{ at: Date | null }>('SELECT min(expires_at) AS at FROM messages');
  return rows[0]?.at ?? undefined;
}
