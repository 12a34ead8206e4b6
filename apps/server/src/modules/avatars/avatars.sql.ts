import type { Queryable } from '../../db/db.js';
import { USER_COLUMNS, type UserRow } from '../users/index.js';
import type { AvatarType } from './image-check.js';

export interface AvatarRow {
  contentType: AvatarType;
  bytes: Buffer;
  version: string;
}

/** A live user's avatar (none for a deleted account or one without a picture). */
export async function selectAvatar(q: Queryable, userId: string): Promise<AvatarRow | undefined> {
  const { rows } = await q.query<AvatarRow>(
    `SELECT a.content_type AS "contentType", a.bytes, a.version
     FROM user_avatars a JOIN users u ON u.id = a.user_id
     WHERE a.user_id = $1 AND u.deleted_at IS NULL AND u.avatar_version = a.version`,
    [userId],
  );
  return rows[0];
}

/** Stores (or replaces) a live user's avatar; the updated user, or undefined when none is live. */
export async function upsertAvatar(
  q: Queryable,
  userId: string,
  avatar: AvatarRow,
  now: Date,
): Promise<UserRow | undefined> {
  const { rows } = await q.query<UserRow>(
    `UPDATE users u SET avatar_version = $2 WHERE u.id = $1 AND u.deleted_at IS NULL RETURNING ${USER_COLUMNS}`,
    [userId, avatar.version],
  );
  if (!rows[0]) return undefined;
  await q.query(
    `INSERT INTO user_avatars (user_id, content_type, bytes, version, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id) DO UPDATE
       SET content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes, version = EXCLUDED.version,
           updated_at = EXCLUDED.updated_at`,
    [userId, avatar.contentType, avatar.bytes, avatar.version, now],
  );
  return rows[0];
}

/** Removes a user's avatar (live or deleted account); the user row, undefined when unknown. */
export async function deleteAvatar(q: Queryable, userId: string): Promise<UserRow | undefined> {
  await q.query('DELETE FROM user_avatars WHERE user_id = $1', [userId]);
  const { rows } = await q.query<UserRow>(
    `UPDATE users u SET avatar_version = NULL WHERE u.id = $1 RETURNING ${USER_COLUMNS}`,
    [userId],
  );
  return rows[0];
}
