import type { Queryable } from '../../db/db.js';

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
