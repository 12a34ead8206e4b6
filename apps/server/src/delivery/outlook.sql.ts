import type { Queryable } from '../db/db.js';

/**
 * What the dispatcher needs to plan its sleep: the next due time of any pending row (the partial
 * index on due_at WHERE pending keeps it one index probe), and whether in-flight batch records
 * older than `staleBefore` exist (their process probably died, leaving suspects to deliver one by
 * one).
 */
export async function selectDispatchOutlook(
  q: Queryable,
  staleBefore: Date,
): Promise<{ nextDue: Date | undefined; staleBatches: boolean }> {
  const { rows } = await q.query<{ nextDue: Date | null; staleBatches: boolean }>(
    `SELECT
       (SELECT due_at FROM scheduled_messages WHERE status = 'pending' ORDER BY due_at LIMIT 1) AS "nextDue",
       EXISTS (SELECT 1 FROM scheduled_delivery_batches WHERE claimed_at < $1) AS "staleBatches"`,
    [staleBefore],
    { name: 'herald_dispatch_outlook' },
  );
  return { nextDue: rows[0]?.nextDue ?? undefined, staleBatches: rows[0]?.staleBatches ?? false };
}

/** Pending rows already due (the backlog gauge). */
export async function countDueBacklog(q: Queryable, now: Date): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM scheduled_messages WHERE status = 'pending' AND due_at <= $1`,
    [now],
  );
  return Number(rows[0]?.n ?? 0);
}
