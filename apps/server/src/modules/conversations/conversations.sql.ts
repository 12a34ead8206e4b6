import type { MemberRole } from '@herald/shared';
import type { Queryable } from '../../db/db.js';

export async function insertConversation(
  q: Queryable,
  c: { kind: 'direct' | 'group'; title: string | null; createdBy: string; directKey: string | null; now: Date },
): Promise<string | undefined> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO conversations (kind, title, created_by, direct_key, created_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (direct_key) DO NOTHING RETURNING id`,
    [c.kind, c.title, c.createdBy, c.directKey, c.now],
  );
  return rows[0]?.id;
}

export async function selectDirectByKey(q: Queryable, key: string): Promise<string | undefined> {
  const { rows } = await q.query<{ id: string }>('SELECT id FROM conversations WHERE direct_key = $1', [key]);
  return rows[0]?.id;
}

/**
 * Adds members, or brings back people who had left. A returning member starts fresh: they see
 * messages from their new join time, with nothing unread.
 */
export async function upsertMembers(
  q: Queryable,
  conversationId: string,
  members: readonly { userId: string; role: MemberRole }[],
  now: Date,
): Promise<string[]> {
  if (members.length === 0) return [];
  const { rows } = await q.query<{ userId: string }>(
    `INSERT INTO conversation_members AS cm (conversation_id, user_id, role, joined_at,
       delivered_seq, read_seq)
     SELECT $1, u.user_id, u.role, $4,
       COALESCE((SELECT max(seq) FROM messages WHERE conversation_id = $1), 0),
       COALESCE((SELECT max(seq) FROM messages WHERE conversation_id = $1), 0)
     FROM unnest($2::uuid[], $3::text[]) AS u(user_id, role)
     ON CONFLICT (conversation_id, user_id) DO UPDATE SET
       role = EXCLUDED.role, joined_at = EXCLUDED.joined_at, left_at = NULL, left_reason = NULL,
       delivered_seq = EXCLUDED.delivered_seq, read_seq = EXCLUDED.read_seq,
       hidden_at = NULL, history_from = NULL
       WHERE cm.left_at IS NOT NULL
     RETURNING user_id AS "userId"`,
    [conversationId, members.map((m) => m.userId), members.map((m) => m.role), now],
  );
  return rows.map((r) => r.userId);
}

/** A group's title and/or the temporary mode, in one statement; a field left undefined keeps its value. */
export async function updateConversation(
  q: Queryable,
  id: string,
  patch: { title?: string | undefined; temporaryTtlSeconds?: number | null | undefined },
): Promise<void> {
  if (patch.title === undefined && patch.temporaryTtlSeconds === undefined) return;
  await q.query(
    `UPDATE conversations SET
       title = CASE WHEN $2 THEN $3 ELSE title END,
       temporary_ttl_seconds = CASE WHEN $4 THEN $5::int ELSE temporary_ttl_seconds END
     WHERE id = $1`,
    [
      id,
      patch.title !== undefined,
      patch.title ?? null,
      patch.temporaryTtlSeconds !== undefined,
      patch.temporaryTtlSeconds ?? null,
    ],
  );
}

export async function markMemberLeft(
  q: Queryable,
  conversationId: string,
  userId: string,
  reason: 'left' | 'removed' | 'account_deleted',
  now: Date,
): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE conversation_members SET left_at = $3, left_reason = $4
     WHERE conversation_id = $1 AND user_id = $2 AND left_at IS NULL`,
    [conversationId, userId, now, reason],
  );
  return rowCount === 1;
}

export async function updateRole(q: Queryable, conversationId: string, userId: string, role: MemberRole) {
  await q.query('UPDATE conversation_members SET role = $3 WHERE conversation_id = $1 AND user_id = $2', [
    conversationId,
    userId,
    role,
  ]);
}

/** "Delete chat" for one member: hidden, and the history so far hidden for good. */
export async function hideConversation(q: Queryable, conversationId: string, userId: string, now: Date) {
  await q.query(
    `UPDATE conversation_members SET hidden_at = $3, history_from = $3
     WHERE conversation_id = $1 AND user_id = $2`,
    [conversationId, userId, now],
  );
}

/** Brings the chat back for the user: unhidden, and no longer waiting for a first message. */
export async function unhideConversation(q: Queryable, conversationId: string, userId: string) {
  await q.query(
    `UPDATE conversation_members SET hidden_at = NULL, awaiting_first_message = false
     WHERE conversation_id = $1 AND user_id = $2`,
    [conversationId, userId],
  );
}

/**
 * A direct chat just opened by someone else: it stays out of this member's list until it holds a
 * message (see NOT_AWAITING in conversation-views.sql.ts), or until they open it themselves.
 */
export async function markAwaitingFirstMessage(q: Queryable, conversationId: string, userId: string) {
  await q.query(
    'UPDATE conversation_members SET awaiting_first_message = true WHERE conversation_id = $1 AND user_id = $2',
    [conversationId, userId],
  );
}

/** The groups a user is currently in, by id (account deletion removes them from each). */
export async function selectGroupIdsOf(q: Queryable, userId: string): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT c.id FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id
     WHERE cm.user_id = $1 AND cm.left_at IS NULL AND c.kind = 'group'
     -- In id order: leaving each writes a timeline event, which locks the conversation as message
     -- batches do (in id order), so the two cannot deadlock.
     ORDER BY c.id`,
    [userId],
  );
  return rows.map((r) => r.id);
}
