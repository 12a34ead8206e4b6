/** Bringing a cancelled or failed scheduled message back to pending (restore-scheduled.ts). */
import type { Queryable } from '../../db/db.js';
import type { PendingLimits } from './create-scheduled.sql.js';
import { SCHEDULED_COLUMNS, type ScheduledRow } from './scheduling.sql.js';

export interface RestoreOutcome {
  /** Pending messages of the sender before this one (counted up to the limits). */
  inConversation: number;
  total: number;
  /** The restored row; undefined when refused (quota) or changed meanwhile (version, status). */
  row: ScheduledRow | undefined;
}

/**
 * Restores a cancelled or failed row to pending at `scheduledTime` if the sender is under both
 * pending quotas, in one statement; run it in a transaction that first took the sender's quota
 * lock (lockSenderQuota), as a creation does, so that the counts see every earlier creation.
 *  1. the counts stop at the limits (O(limit) at most);
 *  2. the version check makes a restore from a stale copy change nothing (the caller answers 409);
 *  3. everything a failure or a cancel wrote is cleared, and the retry count starts again: the
 *     row is as it was when scheduled, at its (possibly new) time, one version later.
 */
export async function restoreWithinQuota(
  q: Queryable,
  args: {
    id: string;
    senderId: string;
    conversationId: string;
    scheduledTime: Date;
    content: string | undefined;
    version: number;
    now: Date;
  },
  limits: PendingLimits,
): Promise<RestoreOutcome> {
  const { rows } = await q.query<ScheduledRow & { inConversation: number; total: number }>(
    `WITH counts AS MATERIALIZED (
       SELECT
         (SELECT count(*) FROM (SELECT 1 FROM scheduled_messages
            WHERE sender_id = $2 AND conversation_id = $3 AND status = 'pending' LIMIT $8) a)::int AS in_conversation,
         (SELECT count(*) FROM (SELECT 1 FROM scheduled_messages
            WHERE sender_id = $2 AND status = 'pending' LIMIT $9) b)::int AS total
     ),
     restored AS (
       UPDATE scheduled_messages s SET
         status = 'pending', scheduled_time = $4, due_at = $4, content = COALESCE($5, s.content),
         retry_count = 0, last_error = NULL, failure_code = NULL, failure_detail = NULL,
         failure_seen_at = NULL, dismissed_at = NULL, cancelled_at = NULL,
         version = s.version + 1, updated_at = $7
       WHERE s.id = $1 AND s.sender_id = $2 AND s.status IN ('cancelled', 'failed') AND s.version = $6
         AND EXISTS (SELECT 1 FROM counts WHERE in_conversation < $8 AND total < $9)
       RETURNING ${SCHEDULED_COLUMNS}
     )
     SELECT counts.in_conversation AS "inConversation", counts.total, restored.*
     FROM counts LEFT JOIN restored ON true`,
    [
      /* $1 */ args.id,
      /* $2 */ args.senderId,
      /* $3 */ args.conversationId,
      /* $4 */ args.scheduledTime,
      /* $5 */ args.content ?? null,
      /* $6 */ args.version,
      /* $7 */ args.now,
      /* $8 */ limits.perConversation,
      /* $9 */ limits.perUser,
    ],
  );
  const { inConversation, total, ...row } = rows[0]!;
  return { inConversation, total, row: row.id ? row : undefined };
}

/**
 * Attaches a restored row's media again (a cancel released it, and it is purged a day after
 * unless reused): only while it is still stored, is the sender's, and no other message or
 * pending schedule uses it. False: it cannot come back.
 */
export async function reattachMedia(
  q: Queryable,
  args: { mediaId: string; senderId: string; scheduledId: string; now: Date },
): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE media md SET attached_at = COALESCE(md.attached_at, $4)
     WHERE md.id = $1 AND md.uploader_id = $2 AND md.deleted_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.media_id = md.id)
       AND NOT EXISTS (SELECT 1 FROM scheduled_messages o
                       WHERE o.media_id = md.id AND o.id <> $3 AND o.status IN ('pending', 'sent'))`,
    [args.mediaId, args.senderId, args.scheduledId, args.now],
  );
  return rowCount > 0;
}
