import type { Queryable } from '../../db/db.js';

/** A user row as modules see it (never includes the auth hash). */
export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  timeZone: string;
  lastSeenAt: Date | null;
  createdAt: Date;
  deletedAt: Date | null;
  x25519PublicKey: string | null;
  ed25519PublicKey: string | null;
  encryptedPrivateKeys: string | null;
  tokenVersion: number;
  /** The avatar's URL version (migration 0010), null without one. */
  avatarVersion: string | null;
}

export const USER_COLUMNS = `
  u.id, u.username, u.display_name AS "displayName", u.time_zone AS "timeZone",
  u.last_seen_at AS "lastSeenAt", u.created_at AS "createdAt", u.deleted_at AS "deletedAt",
  u.x25519_public_key AS "x25519PublicKey", u.ed25519_public_key AS "ed25519PublicKey",
  u.encrypted_private_keys AS "encryptedPrivateKeys", u.token_version AS "tokenVersion",
  u.avatar_version AS "avatarVersion"`;

/** Any user by id, deleted ones included (history shows them as deleted accounts). */
export async function selectUserById(q: Queryable, id: string): Promise<UserRow | undefined> {
  const { rows } = await q.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]);
  return rows[0];
}

export async function selectUsersByIds(q: Queryable, ids: readonly string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ANY($1::uuid[])`, [ids]);
  return rows;
}

/**
 * Live users whose username or display name starts with the term (case-insensitive), exact
 * username matches first. LIKE wildcards in the term are escaped.
 */
export async function searchUsers(q: Queryable, term: string, excludeId: string, limit: number): Promise<UserRow[]> {
  const pattern = `${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await q.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users u
     WHERE u.deleted_at IS NULL AND u.id <> $2
       AND (lower(u.username) LIKE $1 OR lower(u.display_name) LIKE $1)
     ORDER BY (lower(u.username) = lower($3)) DESC, lower(u.username)
     LIMIT $4`,
    [pattern, excludeId, term, limit],
  );
  return rows;
}

export async function updateProfile(
  q: Queryable,
  id: string,
  patch: { displayName?: string | undefined; timeZone?: string | undefined },
): Promise<void> {
  await q.query(
    `UPDATE users SET display_name = COALESCE($2, display_name), time_zone = COALESCE($3, time_zone)
     WHERE id = $1 AND deleted_at IS NULL`,
    [id, patch.displayName ?? null, patch.timeZone ?? null],
  );
}

export async function updateLastSeen(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query('UPDATE users SET last_seen_at = $2 WHERE id = $1', [id, at]);
}
