/** The sender's changes to one scheduled message: edit, cancel, dismiss a failure. */
import type { Queryable } from '../../db/db.js';
import { SCHEDULED_COLUMNS, type ScheduledRow } from './scheduling.sql.js';

/**
 * Edits a pending row. The row lock makes this wait for a delivery in progress, after which the
 * status is no longer pending and nothing changes: an edit and a delivery are never both applied.
 */
export async function updatePending(
  q: Queryable,
  args: {
    id: string;
    senderId: string;
    content: string | undefined;
    scheduledTime: Date | undefined;
    version: number | undefined;
    now: Date;
  },
): Promise<ScheduledRow | undefined> {
  const { rows } = await q.query<ScheduledRow>(
    `UPDATE scheduled_messages s SET
       content = COALESCE($3, s.content),
       scheduled_time = COALESCE($4, s.scheduled_time),
       due_at = COALESCE($4, s.due_at),
       retry_count = CASE WHEN $4::timestamptz IS NULL THEN s.retry_count ELSE 0 END,
       version = s.version + 1, updated_at = $6
     WHERE s.id = $1 AND s.sender_id = $2 AND s.status = 'pending' AND ($5::int IS NULL OR s.version = $5)
     RETURNING ${SCHEDULED_COLUMNS}`,
    [args.id, args.senderId, args.content ?? null, args.scheduledTime ?? null, args.version ?? null, args.now],
  );
  return rows[0];
}

export async function cancelPending(q: Queryable, id: string, senderId: string, now: Date) {
  const { rows } = await q.query<ScheduledRow>(
    `UPDATE scheduled_messages s SET status = 'cancelled', cancelled_at = $3, updated_at = $3, version = s.version + 1
     WHERE s.id = $1 AND s.sender_id = $2 AND s.status = 'pending'
     RETURNING ${SCHEDULED_COLUMNS}`,
    [id, senderId, now],
  );
  return rows[0];
}

export async function dismissFailed(q: Queryable, id: string, senderId: string, now: Date) {
  const { rows } = await q.query<ScheduledRow>(
    `UPDATE scheduled_messages s SET dismissed_at = $3, failure_seen_at = COALESCE(s.failure_seen_at, $3), updated_at = $3
     WHERE s.id = $1 AND s.sender_id = $2 AND s.status = 'failed'
     RETURNING ${SCHEDULED_COLUMNS}`,
    [id, senderId, now],
  );
  return rows[0];
}
