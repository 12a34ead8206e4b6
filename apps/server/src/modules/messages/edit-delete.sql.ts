import type { Queryable } from '../../db/db.js';
import type { MessageRow } from './messages.sql.js';

/** Statements of editing and deleting sent messages (edit-message.ts, delete-message.ts). */

/**
 * Replaces a message's content (a new envelope) and stamps edited_at. `AND deleted_at IS NULL`:
 * an edit racing a "delete for everyone" cannot bring content back into a tombstone; the caller
 * sees false and answers that the message was deleted.
 */
export async function updateMessageContent(q: Queryable, messageId: string, content: string, now: Date) {
  const { rowCount } = await q.query(
    'UPDATE messages SET content = $2, edited_at = $3 WHERE id = $1 AND deleted_at IS NULL',
    [messageId, content, now],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * "Delete for everyone": the row stays as a tombstone (seq order, receipts and reply quotes stay
 * consistent) but everything it said goes, in one statement:
 *  1. `old` locks the row and remembers its media, which the update detaches;
 *  2. content '' and every media column cleared; deleted_at set (only once: a second delete finds
 *     nothing, and the caller answers with the tombstone as it is);
 *  3. reactions and one-time views go with it (they were about content that no longer exists).
 * Returns the detached media id (its blob is deleted after commit), or undefined when nothing was
 * deleted now.
 */
export async function tombstoneMessage(
  q: Queryable,
  messageId: string,
  now: Date,
): Promise<{ mediaId: string | null } | undefined> {
  const { rows } = await q.query<{ mediaId: string | null }>(
    `WITH old AS (
       SELECT id, media_id FROM messages WHERE id = $1 AND deleted_at IS NULL FOR UPDATE
     ),
     wiped AS (
       UPDATE messages m SET content = '', media_id = NULL, is_one_time_media = false, view_limit = NULL,
         media_expiry_seconds = NULL, media_expires_at = NULL, deleted_at = $2
       FROM old WHERE m.id = old.id
       RETURNING m.id
     ),
     reactions_gone AS (DELETE FROM reactions r USING wiped WHERE r.message_id = wiped.id),
     views_gone AS (DELETE FROM media_views v USING wiped WHERE v.message_id = wiped.id)
     SELECT old.media_id AS "mediaId" FROM old JOIN wiped ON wiped.id = old.id`,
    [messageId, now],
  );
  return rows[0];
}

/** "Delete for me": a per-user hide; hiding twice is the same as once. */
export async function insertHide(q: Queryable, userId: string, messageId: string, now: Date): Promise<void> {
  await q.query(
    `INSERT INTO message_hides (user_id, message_id, created_at) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, message_id) DO NOTHING`,
    [userId, messageId, now],
  );
}

/**
 * Who sees this message now: current members who were members when it was sent (and after their
 * "delete chat"), and who did not delete it for themselves. An edit or a tombstone goes to these
 * only: anyone else would be shown a message that is not in their timeline.
 */
export async function selectViewers(
  q: Queryable,
  row: Pick<MessageRow, 'id' | 'conversationId' | 'createdAt'>,
): Promise<string[]> {
  const { rows } = await q.query<{ userId: string }>(
    `SELECT cm.user_id AS "userId" FROM conversation_members cm
     WHERE cm.conversation_id = $1 AND cm.left_at IS NULL AND cm.joined_at <= $2
       AND (cm.history_from IS NULL OR cm.history_from < $2)
       AND NOT EXISTS (SELECT 1 FROM message_hides h WHERE h.user_id = cm.user_id AND h.message_id = $3)
     ORDER BY cm.user_id`,
    [row.conversationId, row.createdAt, row.id],
  );
  return rows.map((r) => r.userId);
}
