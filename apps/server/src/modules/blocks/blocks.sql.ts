import type { Queryable } from '../../db/db.js';

export async function insertBlock(q: Queryable, blockerId: string, blockedId: string): Promise<void> {
  await q.query('INSERT INTO blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    blockerId,
    blockedId,
  ]);
}

export async function deleteBlock(q: Queryable, blockerId: string, blockedId: string): Promise<void> {
  await q.query('DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [blockerId, blockedId]);
}

export async function selectBlockedIds(q: Queryable, blockerId: string): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    'SELECT blocked_id AS id FROM blocks WHERE blocker_id = $1 ORDER BY created_at',
    [blockerId],
  );
  return rows.map((r) => r.id);
}

/** Whether either user blocked the other: the two cases look the same to both of them. */
export async function isBlockedEitherWay(q: Queryable, a: string, b: string): Promise<boolean> {
  const { rows } = await q.query(
    `SELECT 1 FROM blocks
     WHERE (blocker_id = $1 AND blocked_id = $2) OR (blocker_id = $2 AND blocked_id = $1) LIMIT 1`,
    [a, b],
  );
  return rows.length > 0;
}
