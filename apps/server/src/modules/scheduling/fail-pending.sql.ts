import type { FailureCode } from '@herald/shared';
import type { Queryable } from '../../db/db.js';
import { SCHEDULED_COLUMNS, type ScheduledRow } from './scheduling.sql.js';

/** Fails pending rows at once (sender left, deleted the chat, account deleted...). */
export async function failPendingWhere(
  q: Queryable,
  where: { senderId?: string; receiverId?: string; conversationId?: string },
  code: FailureCode,
  detail: string,
  now: Date,
): Promise<ScheduledRow[]> {
  const { rows } = await q.query<ScheduledRow>(
    `UPDATE scheduled_messages s SET status = 'failed', failure_code = $4, failure_detail = $5, updated_at = $6,
       version = s.version + 1
     WHERE s.status = 'pending'
       AND ($1::uuid IS NULL OR s.sender_id = $1)
       AND ($2::uuid IS NULL OR s.receiver_id = $2)
       AND ($3::uuid IS NULL OR s.conversation_id = $3)
     RETURNING ${SCHEDULED_COLUMNS}`,
    [where.senderId ?? null, where.receiverId ?? null, where.conversationId ?? null, code, detail, now],
  );
  return rows;
}
