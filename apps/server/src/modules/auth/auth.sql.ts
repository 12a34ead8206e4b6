import type { KdfParams, UserKeys } from '@herald/shared';
import type { Queryable } from '../../db/db.js';
import { SESSIONS_CHANNEL, sessionNotice, type LiveSession } from './session-cache.js';

export interface Credentials {
  id: string;
  authHash: string;
  kdf: KdfParams;
  tokenVersion: number;
  /** Whether the account has E2EE keys (accounts from before encryption may not yet). */
  hasKeys: boolean;
}

export interface NewUser {
  username: string;
  displayName: string;
  authHash: string;
  kdf: KdfParams;
  timeZone: string;
  keys: UserKeys;
  now: Date;
}

/** Returns the new id, or undefined when the username is taken (case-insensitively). */
export async function insertUser(q: Queryable, user: NewUser): Promise<string | undefined> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO users (username, display_name, auth_hash, kdf, time_zone,
                        x25519_public_key, ed25519_public_key, encrypted_private_keys, keys_changed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (lower(username)) WHERE deleted_at IS NULL DO NOTHING
     RETURNING id`,
    [
      user.username,
      user.displayName,
      user.authHash,
      JSON.stringify(user.kdf),
      user.timeZone,
      user.keys.x25519PublicKey,
      user.keys.ed25519PublicKey,
      user.keys.encryptedPrivateKeys,
      user.now,
    ],
  );
  return rows[0]?.id;
}

export async function selectCredentialsByUsername(q: Queryable, username: string): Promise<Credentials | undefined> {
  const { rows } = await q.query<Credentials>(
    `SELECT id, auth_hash AS "authHash", kdf, token_version AS "tokenVersion",
       x25519_public_key IS NOT NULL AS "hasKeys"
     FROM users WHERE lower(username) = lower($1) AND deleted_at IS NULL`,
    [username],
  );
  return rows[0];
}

export async function selectCredentialsById(q: Queryable, id: string): Promise<Credentials | undefined> {
  const { rows } = await q.query<Credentials>(
    `SELECT id, auth_hash AS "authHash", kdf, token_version AS "tokenVersion",
       x25519_public_key IS NOT NULL AS "hasKeys"
     FROM users WHERE id = $1 AND deleted_at IS NULL`,
    [id],
  );
  return rows[0];
}

export async function insertSession(
  q: Queryable,
  session: { id: string; userId: string; expiresAt: Date; userAgent: string | undefined },
): Promise<void> {
  await q.query('INSERT INTO sessions (id, user_id, expires_at, user_agent) VALUES ($1, $2, $3, $4)', [
    session.id,
    session.userId,
    session.expiresAt,
    // A header is not validated input: keep it printable (no NUL, which PostgreSQL refuses).
    session.userAgent?.replace(/\p{Cc}/gu, '').slice(0, 300) ?? null,
  ]);
}

/**
 * The session a token names, if it is live: not revoked, not expired, the user not deleted, and
 * the token minted at the user's current token_version. Identity only: routes read the user's
 * editable fields from the row, so that a cached session (session-cache.ts) holds nothing a
 * profile change could make stale.
 */
export async function selectLiveSession(
  q: Queryable,
  claims: { sessionId: string; userId: string; tokenVersion: number },
  now: Date,
): Promise<LiveSession | undefined> {
  const { rows } = await q.query<LiveSession>(
    `SELECT s.user_id AS "userId", u.token_version AS "tokenVersion", s.expires_at AS "expiresAt"
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $4
       AND u.deleted_at IS NULL AND u.token_version = $3`,
    [claims.sessionId, claims.userId, claims.tokenVersion, now],
  );
  return rows[0];
}

/**
 * Revokes one session, and tells every process in the same statement: the NOTIFY is delivered at
 * commit, and only if it commits (a data-modifying WITH runs whether or not the SELECT reads it).
 */
export async function revokeSession(q: Queryable, sessionId: string): Promise<void> {
  await q.query(
    `WITH revoked AS (
       UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL
     )
     SELECT pg_notify($2, $3)`,
    [sessionId, SESSIONS_CHANNEL, sessionNotice.session(sessionId)],
  );
}

/** Revokes every live session of the user and bumps token_version; returns the new version. */
export async function revokeAllSessions(q: Queryable, userId: string): Promise<number> {
  // One statement: both updates and the NOTIFY (delivered when the caller's transaction commits).
  const { rows } = await q.query<{ tokenVersion: number }>(
    `WITH revoked AS (
       UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL
     ), bumped AS (
       UPDATE users SET token_version = token_version + 1 WHERE id = $1 RETURNING token_version
     ), notified AS (
       SELECT pg_notify($2, $3)
     )
     SELECT token_version AS "tokenVersion" FROM bumped, notified`,
    [userId, SESSIONS_CHANNEL, sessionNotice.user(userId)],
  );
  return rows[0]?.tokenVersion ?? 0;
}

export async function updateCredentials(
  q: Queryable,
  userId: string,
  authHash: string,
  kdf: KdfParams,
  encryptedPrivateKeys: string | undefined,
): Promise<void> {
  // The public keys stay: a password change re-seals the same private keys under the new password.
  await q.query(
    `UPDATE users SET auth_hash = $2, kdf = $3,
       encrypted_private_keys = COALESCE($4, encrypted_private_keys)
     WHERE id = $1`,
    [userId, authHash, JSON.stringify(kdf), encryptedPrivateKeys ?? null],
  );
}

/**
 * Deletes an account: the row stays (so that history can show "Deleted account"), but
 * everything that identifies or authenticates the person is erased and the username is freed.
 * Every process hears at commit that the user's sessions ended (SESSIONS_CHANNEL).
 */
export async function markUserDeleted(q: Queryable, userId: string, now: Date): Promise<void> {
  await q.query(
    `UPDATE users SET deleted_at = $2, auth_hash = '', display_name = '', username = 'deleted-' || id::text,
       x25519_public_key = NULL, ed25519_public_key = NULL, encrypted_private_keys = NULL, keys_changed_at = NULL,
       token_version = token_version + 1
     WHERE id = $1 AND deleted_at IS NULL`,
    [userId, now],
  );
  await q.query(
    `WITH revoked AS (
       UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL
     )
     SELECT pg_notify($2, $3)`,
    [userId, SESSIONS_CHANNEL, sessionNotice.user(userId)],
  );
}
