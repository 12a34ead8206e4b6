import type { UserKeys } from '@herald/shared';
import type { Queryable } from '../../db/db.js';

/** A user's public keys as stored; all null for an account without keys (or a deleted one). */
export interface PublicKeysRow {
  userId: string;
  x25519PublicKey: string | null;
  ed25519PublicKey: string | null;
  keysChangedAt: Date | null;
}

// A deleted account keeps its row (history shows it) but has no keys: markUserDeleted erases them.
const PUBLIC_KEYS_COLUMNS = `
  u.id AS "userId", u.x25519_public_key AS "x25519PublicKey", u.ed25519_public_key AS "ed25519PublicKey",
  u.keys_changed_at AS "keysChangedAt"`;

/** A live user's public keys; undefined for an unknown or deleted user. */
export async function selectPublicKeys(q: Queryable, userId: string): Promise<PublicKeysRow | undefined> {
  const { rows } = await q.query<PublicKeysRow>(
    `SELECT ${PUBLIC_KEYS_COLUMNS} FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL`,
    [userId],
  );
  return rows[0];
}

/**
 * The public keys of a conversation's current members (the same set the server checks a
 * message's recipients against), sorted by user id like an envelope's recipients.
 */
export async function selectMemberKeys(q: Queryable, conversationId: string): Promise<PublicKeysRow[]> {
  const { rows } = await q.query<PublicKeysRow>(
    `SELECT ${PUBLIC_KEYS_COLUMNS}
     FROM conversation_members cm JOIN users u ON u.id = cm.user_id
     WHERE cm.conversation_id = $1 AND cm.left_at IS NULL
     ORDER BY cm.user_id`,
    [conversationId],
  );
  return rows;
}

/** Sets or replaces a live user's keys and stamps the change; undefined when the user is gone. */
export async function updateKeys(
  q: Queryable,
  userId: string,
  keys: UserKeys,
  now: Date,
): Promise<PublicKeysRow | undefined> {
  const { rows } = await q.query<PublicKeysRow>(
    `UPDATE users u SET x25519_public_key = $2, ed25519_public_key = $3, encrypted_private_keys = $4,
       keys_changed_at = $5
     WHERE u.id = $1 AND u.deleted_at IS NULL
     RETURNING ${PUBLIC_KEYS_COLUMNS}`,
    [userId, keys.x25519PublicKey, keys.ed25519PublicKey, keys.encryptedPrivateKeys, now],
  );
  return rows[0];
}

/**
 * Who must hear that a user's keys changed: the user and everyone who shares a current
 * conversation with them. Blocks do not matter here: a blocked member of a shared group still
 * seals messages for them and must not keep using an old key.
 */
export async function selectKeyAudience(q: Queryable, userId: string): Promise<string[]> {
  const { rows } = await q.query<{ userId: string }>(
    `SELECT $1::uuid AS "userId"
     UNION
     SELECT other.user_id
     FROM conversation_members me
     JOIN conversation_members other ON other.conversation_id = me.conversation_id AND other.left_at IS NULL
     WHERE me.user_id = $1 AND me.left_at IS NULL`,
    [userId],
  );
  return rows.map((r) => r.userId);
}
