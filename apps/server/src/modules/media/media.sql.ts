import type { Queryable } from '../../db/db.js';

export interface MediaRow {
  id: string;
  uploaderId: string;
  kind: 'image' | 'video';
  mimeType: string;
  size: number;
  storageKey: string;
  createdAt: Date;
  attachedAt: Date | null;
  deletedAt: Date | null;
}

const MEDIA_COLUMNS = `md.id, md.uploader_id AS "uploaderId", md.kind, md.mime_type AS "mimeType", md.size,
  md.storage_key AS "storageKey", md.created_at AS "createdAt", md.attached_at AS "attachedAt",
  md.deleted_at AS "deletedAt"`;

export async function insertMedia(
  q: Queryable,
  media: { uploaderId: string; kind: string; mimeType: string; size: number; storageKey: string; now: Date },
): Promise<MediaRow> {
  const { rows } = await q.query<MediaRow>(
    `INSERT INTO media AS md (uploader_id, kind, mime_type, size, storage_key, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${MEDIA_COLUMNS}`,
    [media.uploaderId, media.kind, media.mimeType, media.size, media.storageKey, media.now],
  );
  return rows[0]!;
}

export async function selectMedia(q: Queryable, id: string): Promise<MediaRow | undefined> {
  const { rows } = await q.query<MediaRow>(`SELECT ${MEDIA_COLUMNS} FROM media md WHERE md.id = $1`, [id]);
  return rows[0];
}

/** Bytes the user keeps stored (blobs not yet deleted). */
export async function selectUsedBytes(q: Queryable, uploaderId: string): Promise<number> {
  const { rows } = await q.query<{ used: number | null }>(
    'SELECT COALESCE(sum(size), 0)::bigint AS used FROM media WHERE uploader_id = $1 AND deleted_at IS NULL',
    [uploaderId],
  );
  return Number(rows[0]?.used ?? 0);
}

/**
 * Marks the media attached (to a message or a scheduled message) if it is the uploader's, live and
 * still free. Returns false when it cannot be attached.
 */
export async function attachMedia(q: Queryable, id: string, uploaderId: string, now: Date): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE media SET attached_at = $3
     WHERE id = $1 AND uploader_id = $2 AND attached_at IS NULL AND deleted_at IS NULL`,
    [id, uploaderId, now],
  );
  return rowCount === 1;
}

/** The media a message references, as the fetch route needs it. */
export interface MediaAccessRow extends MediaRow {
  messageId: string | null;
  conversationId: string | null;
  senderId: string | null;
  isOneTimeMedia: boolean | null;
  viewLimit: number | null;
  mediaExpiresAt: Date | null;
  messageCreatedAt: Date | null;
  messageExpiresAt: Date | null;
}

export async function selectMediaAccess(q: Queryable, id: string): Promise<MediaAccessRow | undefined> {
  const { rows } = await q.query<MediaAccessRow>(
    `SELECT ${MEDIA_COLUMNS}, m.id AS "messageId", m.conversation_id AS "conversationId", m.sender_id AS "senderId",
       m.is_one_time_media AS "isOneTimeMedia", m.view_limit AS "viewLimit", m.media_expires_at AS "mediaExpiresAt",
       m.created_at AS "messageCreatedAt", m.expires_at AS "messageExpiresAt"
     FROM media md LEFT JOIN messages m ON m.media_id = md.id
     WHERE md.id = $1`,
    [id],
  );
  return rows[0];
}

/**
 * Counts one view of one-time media by a recipient, atomically: returns the new count, or
 * undefined when the limit was already reached. Two concurrent fetches serialise on the row.
 */
export async function countView(
  q: Queryable,
  messageId: string,
  userId: string,
  limit: number,
  now: Date,
): Promise<number | undefined> {
  const { rows } = await q.query<{ views: number }>(
    `INSERT INTO media_views AS v (message_id, user_id, views, last_viewed_at) VALUES ($1, $2, 1, $4)
     ON CONFLICT (message_id, user_id) DO UPDATE SET views = v.views + 1, last_viewed_at = $4
       WHERE v.views < $3
     RETURNING views`,
    [messageId, userId, limit, now],
  );
  return rows[0]?.views;
}

/** Whether any current recipient of the message may still open its one-time media. */
export async function anyViewsLeft(q: Queryable, messageId: string, limit: number): Promise<boolean> {
  const { rows } = await q.query(
    `SELECT 1 FROM messages m
     JOIN conversation_members cm ON cm.conversation_id = m.conversation_id AND cm.left_at IS NULL
       AND cm.user_id <> m.sender_id
     LEFT JOIN media_views v ON v.message_id = m.id AND v.user_id = cm.user_id
     WHERE m.id = $1 AND COALESCE(v.views, 0) < $2
     LIMIT 1`,
    [messageId, limit],
  );
  return rows.length > 0;
}

/**
 * Removes media rows nothing refers to (the uploads of a request that failed), returning their
 * storage keys for the caller to delete: a refused request leaves no row behind, not even a
 * deleted one.
 */
export async function deleteUnreferencedMedia(q: Queryable, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<{ storageKey: string }>(
    `DELETE FROM media md
     WHERE md.id = ANY($1::uuid[])
       AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.media_id = md.id)
       AND NOT EXISTS (SELECT 1 FROM scheduled_messages s WHERE s.media_id = md.id)
     RETURNING md.storage_key AS "storageKey"`,
    [ids],
  );
  return rows.map((r) => r.storageKey);
}

export async function markMediaDeleted(q: Queryable, ids: readonly string[], now: Date): Promise<MediaRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<MediaRow>(
    `UPDATE media md SET deleted_at = $2 WHERE md.id = ANY($1::uuid[]) AND md.deleted_at IS NULL
     RETURNING ${MEDIA_COLUMNS}`,
    [ids, now],
  );
  return rows;
}

/**
 * Media nobody can fetch any more: unattached for over a day, one-time media past its expiry, or
 * one-time media every current recipient has used up (normally deleted right after the last view;
 * this is the backstop).
 */
export async function selectPurgeableMedia(q: Queryable, now: Date, unattachedBefore: Date): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT md.id FROM media md
     WHERE md.deleted_at IS NULL AND md.attached_at IS NULL AND md.created_at < $2
     UNION
     SELECT m.media_id FROM messages m JOIN media md ON md.id = m.media_id
     WHERE md.deleted_at IS NULL AND m.media_expires_at IS NOT NULL AND m.media_expires_at <= $1
     UNION
     SELECT m.media_id FROM messages m JOIN media md ON md.id = m.media_id
     WHERE md.deleted_at IS NULL AND m.is_one_time_media AND NOT EXISTS (
       SELECT 1 FROM conversation_members cm
       LEFT JOIN media_views v ON v.message_id = m.id AND v.user_id = cm.user_id
       WHERE cm.conversation_id = m.conversation_id AND cm.left_at IS NULL AND cm.user_id <> m.sender_id
         AND COALESCE(v.views, 0) < COALESCE(m.view_limit, 1))
     LIMIT 1000`,
    [now, unattachedBefore],
  );
  return rows.map((r) => r.id);
}
