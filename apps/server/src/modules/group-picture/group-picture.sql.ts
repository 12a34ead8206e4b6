import { safeMediaType, type GroupPicture, type MediaId, type UserId } from '@herald/shared';
import type { Queryable } from '../../db/db.js';

interface PictureRow {
  conversationId: string;
  mediaId: string;
  envelope: string;
  setBy: string | null;
  updatedAt: Date;
  kind: 'image' | 'video';
  mimeType: string;
  size: number;
}

/** The pictures of these conversations (none for those without one). */
export async function selectPictures(
  q: Queryable,
  conversationIds: readonly string[],
): Promise<Map<string, GroupPicture>> {
  const pictures = new Map<string, GroupPicture>();
  if (conversationIds.length === 0) return pictures;
  const { rows } = await q.query<PictureRow>(
    `SELECT c.id AS "conversationId", c.picture_media_id AS "mediaId", c.picture_envelope AS envelope,
       c.picture_set_by AS "setBy", c.picture_updated_at AS "updatedAt", md.kind, md.mime_type AS "mimeType", md.size
     FROM conversations c JOIN media md ON md.id = c.picture_media_id
     WHERE c.id = ANY($1::uuid[]) AND md.deleted_at IS NULL`,
    [conversationIds],
  );
  for (const row of rows) {
    pictures.set(row.conversationId, {
      media: {
        id: row.mediaId as MediaId,
        kind: row.kind,
        mimeType: safeMediaType(row.mimeType),
        size: Number(row.size),
      },
      envelope: row.envelope,
      setBy: row.setBy as UserId | null,
      updatedAt: row.updatedAt.toISOString(),
    });
  }
  return pictures;
}

/** The conversation whose picture this media is, if any (the media route's access rule). */
export async function selectPictureConversation(q: Queryable, mediaId: string): Promise<string | undefined> {
  const { rows } = await q.query<{ id: string }>('SELECT id FROM conversations WHERE picture_media_id = $1', [mediaId]);
  return rows[0]?.id;
}

/** Locks the conversation's row and reads its current picture media id. */
export async function lockPicture(q: Queryable, conversationId: string): Promise<string | null> {
  const { rows } = await q.query<{ mediaId: string | null }>(
    'SELECT picture_media_id AS "mediaId" FROM conversations WHERE id = $1 FOR UPDATE',
    [conversationId],
  );
  return rows[0]?.mediaId ?? null;
}

export async function writePicture(
  q: Queryable,
  conversationId: string,
  picture: { mediaId: string; envelope: string; setBy: string; now: Date } | null,
): Promise<void> {
  await q.query(
    `UPDATE conversations SET picture_media_id = $2, picture_envelope = $3, picture_set_by = $4, picture_updated_at = $5
     WHERE id = $1`,
    [conversationId, picture?.mediaId ?? null, picture?.envelope ?? null, picture?.setBy ?? null, picture?.now ?? null],
  );
}
