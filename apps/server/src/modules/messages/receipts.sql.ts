import type { Queryable } from '../../db/db.js';

/** The per-member receipt watermarks (`delivered_seq`, `read_seq`) and what moving them changes. */

export async function selectMaxSeq(q: Queryable, conversationId: string): Promise<number> {
  const { rows } = await q.query<{ seq: number | null }>(
    'SELECT max(seq) AS seq FROM messages WHERE conversation_id = $1',
    [conversationId],
  );
  return Number(rows[0]?.seq ?? 0);
}

/** Ids of messages from others in (fromSeq, toSeq]: the ones a watermark move changes. */
export async function selectIdsBetween(
  q: Queryable,
  conversationId: string,
  userId: string,
  fromSeq: number,
  toSeq: number,
): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM messages WHERE conversation_id = $1 AND sender_id <> $2 AND seq > $3 AND seq <= $4 ORDER BY seq`,
    [conversationId, userId, fromSeq, toSeq],
  );
  return rows.map((r) => r.id);
}

export async function updateReadWatermark(
  q: Queryable,
  conversationId: string,
  userId: string,
  seq: number,
  now: Date,
): Promise<void> {
  await q.query(
    `UPDATE conversation_members SET
       read_seq = GREATEST(read_seq, $3), read_at = $4,
       delivered_at = CASE WHEN delivered_seq < $3 THEN $4 ELSE delivered_at END,
       delivered_seq = GREATEST(delivered_seq, $3)
     WHERE conversation_id = $1 AND user_id = $2`,
    [conversationId, userId, seq, now],
  );
}

export async function updateDeliveredWatermark(
  q: Queryable,
  conversationId: string,
  userId: string,
  seq: number,
  now: Date,
): Promise<void> {
  await q.query(
    `UPDATE conversation_members SET delivered_seq = $3, delivered_at = $4
     WHERE conversation_id = $1 AND user_id = $2 AND delivered_seq < $3`,
    [conversationId, userId, seq, now],
  );
}

/** The highest seq among the given messages of the conversation that others sent. */
export async function selectMaxSeqOf(
  q: Queryable,
  conversationId: string,
  userId: string,
  messageIds: readonly string[],
): Promise<number> {
  const { rows } = await q.query<{ seq: number | null }>(
    `SELECT max(seq) AS seq FROM messages WHERE conversation_id = $1 AND sender_id <> $2 AND id = ANY($3::uuid[])`,
    [conversationId, userId, messageIds],
  );
  return Number(rows[0]?.seq ?? 0);
}
