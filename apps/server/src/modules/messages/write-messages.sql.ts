import type { Queryable } from '../../db/db.js';
import { messageColumns, type MessageRow } from './messages.sql.js';

/** A message to write (its own columns). `writeMessages` (write-messages.ts) is the only caller of the insert below. */
export type NewMessage = NewMessageColumns & {
  /**
   * `content` is exactly what scheduled message `scheduledMessageId` stores, and the caller holds
   * that row locked: the statement copies it from there instead of receiving it, and does not send
   * it back (a burst of deliveries no longer carries every envelope to PostgreSQL and back again).
   */
  contentIsStored?: boolean;
};

type NewMessageColumns = Pick<
  MessageRow,
  | 'conversationId'
  | 'senderId'
  | 'content'
  | 'contentType'
  | 'mediaId'
  | 'isOneTimeMedia'
  | 'viewLimit'
  | 'mediaExpirySeconds'
  | 'replyToId'
  | 'clientId'
  | 'scheduledMessageId'
  | 'scheduledTime'
>;

/** What one write produced: the rows, and who (current members) must receive each. */
export interface WrittenBatch {
  rows: MessageRow[];
  audience: { conversationId: string; userId: string }[];
}

/**
 * Writes a batch of messages in one statement (one round trip). It only inserts message rows:
 * unread counts and each conversation's last message are derived from messages when read (see
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
  const { rows } = await q.query<Omit<MessageRow, 'content'> & { content: string | null; audience: string[] }>(
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
       SELECT i.conversation_id, i.sender_id, COALESCE(i.content, stored.content), i.content_type, i.media_id, i.is_one_time_media,
         i.view_limit, i.media_expiry_seconds, $13::timestamptz + make_interval(secs => i.media_expiry_seconds),
         i.reply_to_id, i.client_id, $13::timestamptz, $13::timestamptz + make_interval(secs => c.temporary_ttl_seconds),
         i.scheduled_message_id, i.scheduled_time
       FROM input i JOIN locked c ON c.id = i.conversation_id
       LEFT JOIN scheduled_messages stored ON i.content IS NULL AND stored.id = i.scheduled_message_id
       ORDER BY i.ord
       ON CONFLICT DO NOTHING
       RETURNING *
     ),
     attached AS (
       UPDATE media md SET attached_at = COALESCE(md.attached_at, $13::timestamptz)
       FROM inserted m WHERE md.id = m.media_id
       RETURNING md.id, md.kind, md.mime_type, md.size
     )
     SELECT ${messageColumns(
       'CASE WHEN m.scheduled_message_id IN (SELECT i.scheduled_message_id FROM input i WHERE i.content IS NULL) THEN NULL ELSE m.content END',
     )},
       ARRAY(SELECT cm.user_id FROM conversation_members cm
             WHERE cm.conversation_id = m.conversation_id AND cm.left_at IS NULL) AS audience
     FROM inserted m LEFT JOIN attached md ON md.id = m.media_id
     ORDER BY m.seq`,
    [
      col('conversationId'),
      col('senderId'),
      batch.map((m) => (m.contentIsStored && m.scheduledMessageId ? null : m.content)),
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
  // The contents left out of the answer: the caller's own, by scheduled message.
  const stored = new Map(
    batch.flatMap((m) => (m.contentIsStored && m.scheduledMessageId ? [[m.scheduledMessageId, m.content]] : [])),
  );
  return {
    rows: rows.map(({ audience: _audience, ...row }) => ({
      ...row,
      content: row.content ?? stored.get(row.scheduledMessageId ?? '') ?? '',
      seq: Number(row.seq),
    })),
    audience: [...audience].flatMap(([conversationId, users]) => users.map((userId) => ({ conversationId, userId }))),
  };
}
