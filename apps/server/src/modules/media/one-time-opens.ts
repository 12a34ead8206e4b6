import type { MediaOpen, Message, UserId } from '@herald/shared';
import type { Queryable } from '../../db/db.js';

/**
 * "Opened" for the sender of one-time media (issue 13, item 9): the server already counts each
 * recipient's views in `media_views` to enforce the view limit; the sender, and only the sender,
 * sees who opened it and when. Nobody else learns anything from it (a recipient sees `myViews`).
 */
export async function selectOpens(q: Queryable, messageIds: readonly string[]): Promise<Map<string, MediaOpen[]>> {
  const opens = new Map<string, MediaOpen[]>();
  if (messageIds.length === 0) return opens;
  const { rows } = await q.query<{ messageId: string; userId: string; views: number; lastViewedAt: Date }>(
    `SELECT message_id AS "messageId", user_id AS "userId", views, last_viewed_at AS "lastViewedAt"
     FROM media_views WHERE message_id = ANY($1::uuid[]) ORDER BY last_viewed_at, user_id`,
    [messageIds],
  );
  for (const row of rows) {
    const list = opens.get(row.messageId) ?? [];
    list.push({ userId: row.userId as UserId, views: row.views, lastOpenedAt: row.lastViewedAt.toISOString() });
    opens.set(row.messageId, list);
  }
  return opens;
}

/** The viewer's own one-time media, with who opened it; every other message unchanged. */
export async function withOneTimeOpens(q: Queryable, messages: Message[], viewerId: string): Promise<Message[]> {
  const own = messages.filter((m) => m.isOneTimeMedia && m.senderId === viewerId).map((m) => m.id);
  if (own.length === 0) return messages;
  const opens = await selectOpens(q, own);
  return messages.map((m) =>
    m.isOneTimeMedia && m.senderId === viewerId ? { ...m, openedBy: opens.get(m.id) ?? [] } : m,
  );
}
