/** What the sender reads of their scheduled messages: lists, titles, unseen failures. */
import type { ScheduledStatus } from '@herald/shared';
import type { Queryable } from '../../db/db.js';
import { SCHEDULED_COLUMNS, type ScheduledRow } from './scheduling.sql.js';

export async function selectScheduledList(
  q: Queryable,
  filter: {
    senderId: string;
    conversationId?: string | undefined;
    status?: ScheduledStatus | undefined;
    includeDismissed: boolean;
  },
): Promise<ScheduledRow[]> {
  const { rows } = await q.query<ScheduledRow>(
    `SELECT ${SCHEDULED_COLUMNS} FROM scheduled_messages s
     WHERE s.sender_id = $1
       AND ($2::uuid IS NULL OR s.conversation_id = $2)
       AND ($3::text IS NULL OR s.status = $3)
       AND ($4 OR s.dismissed_at IS NULL)
     ORDER BY s.scheduled_time, s.created_at
     LIMIT 1000`,
    [filter.senderId, filter.conversationId ?? null, filter.status ?? null, filter.includeDismissed],
  );
  return rows;
}

/** Names for a list: group titles, and for direct chats the other member's display name. */
export async function selectConversationTitles(
  q: Queryable,
  senderId: string,
  conversationIds: readonly string[],
): Promise<Map<string, string>> {
  if (conversationIds.length === 0) return new Map();
  const { rows } = await q.query<{ id: string; title: string | null }>(
    `SELECT c.id, COALESCE(c.title, (
       SELECT CASE WHEN u.deleted_at IS NULL THEN u.display_name ELSE 'Deleted account' END
       FROM conversation_members cm JOIN users u ON u.id = cm.user_id
       WHERE cm.conversation_id = c.id AND cm.user_id <> $1 LIMIT 1)) AS title
     FROM conversations c WHERE c.id = ANY($2::uuid[])`,
    [senderId, conversationIds],
  );
  return new Map(rows.flatMap((r) => (r.title ? [[r.id, r.title] as const] : [])));
}

export async function countUnseenFailures(q: Queryable, senderId: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM scheduled_messages
     WHERE sender_id = $1 AND status = 'failed' AND failure_seen_at IS NULL AND dismissed_at IS NULL`,
    [senderId],
  );
  return Number(rows[0]?.n ?? 0);
}

export async function markFailuresSeen(q: Queryable, senderId: string, now: Date): Promise<number> {
  const { rowCount } = await q.query(
    `UPDATE scheduled_messages SET failure_seen_at = $2
     WHERE sender_id = $1 AND status = 'failed' AND failure_seen_at IS NULL`,
    [senderId, now],
  );
  return rowCount;
}
