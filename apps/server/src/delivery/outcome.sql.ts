import type { FailureCode } from '@herald/shared';
import type { Queryable } from '../db/db.js';
import { SCHEDULED_COLUMNS, type ScheduledRow } from '../modules/scheduling/index.js';

/**
 * Recording what a delivery did, inside the delivery transaction that holds the rows' locks (so
 * every statement below also re-checks `status = 'pending'`: a row is sent, failed or retried
 * once), then striking the batch's in-flight record, which commits with it.
 */

/**
 * Messages that already exist for these scheduled ids: the unique `scheduled_message_id` refused
 * a second insert, so the row was delivered before. Recorded as sent, never written twice.
 */
export async function selectDeliveredBefore(
  q: Queryable,
  scheduledIds: readonly string[],
): Promise<{ id: string; scheduledMessageId: string }[]> {
  if (scheduledIds.length === 0) return [];
  const { rows } = await q.query<{ id: string; scheduledMessageId: string }>(
    'SELECT id, scheduled_message_id AS "scheduledMessageId" FROM messages WHERE scheduled_message_id = ANY($1::uuid[])',
    [scheduledIds],
  );
  return rows;
}

/**
 * Marks delivered rows sent; returns the ids it changed (the caller knows the rest). A row whose
 * `content` is given (wrapped keys of former members stripped) gets it too, in the same statement.
 */
export async function markSent(
  q: Queryable,
  sent: readonly { id: string; messageId: string; content?: string | undefined }[],
  now: Date,
): Promise<Set<string>> {
  if (sent.length === 0) return new Set();
  const { rows } = await q.query<{ id: string }>(
    `UPDATE scheduled_messages s SET status = 'sent', sent_at = $3, message_id = x.message_id, updated_at = $3,
       last_error = NULL, version = s.version + 1, content = COALESCE(x.content, s.content)
     FROM unnest($1::uuid[], $2::uuid[], $4::text[]) AS x(id, message_id, content)
     WHERE s.id = x.id AND s.status = 'pending'
     RETURNING s.id`,
    [sent.map((s) => s.id), sent.map((s) => s.messageId), now, sent.map((s) => s.content ?? null)],
    { name: 'herald_mark_sent' },
  );
  return new Set(rows.map((r) => r.id));
}

/** Marks rows failed for good, each with its code and the text the sender reads. */
export async function markFailed(
  q: Queryable,
  failed: readonly { id: string; code: FailureCode; detail: string }[],
  now: Date,
): Promise<ScheduledRow[]> {
  if (failed.length === 0) return [];
  const { rows } = await q.query<ScheduledRow>(
    `UPDATE scheduled_messages s SET status = 'failed', failure_code = x.code, failure_detail = x.detail,
       updated_at = $4, version = s.version + 1
     FROM unnest($1::uuid[], $2::text[], $3::text[]) AS x(id, code, detail)
     WHERE s.id = x.id AND s.status = 'pending'
     RETURNING ${SCHEDULED_COLUMNS}`,
    [failed.map((f) => f.id), failed.map((f) => f.code), failed.map((f) => f.detail), now],
  );
  return rows;
}

/**
 * Records a transient failure: another try after `delayMs`, or `failed` with delivery_error once
 * the retries are used up.
 */
export async function recordAttemptFailure(
  q: Queryable,
  ids: readonly string[],
  error: string,
  maxRetries: number,
  delayMs: number,
  now: Date,
): Promise<ScheduledRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<ScheduledRow>(
    `UPDATE scheduled_messages s SET
       last_error = $2, updated_at = $5, version = s.version + 1,
       retry_count = LEAST(s.retry_count + 1, $3),
       due_at = $5::timestamptz + make_interval(secs => $4::double precision / 1000),
       status = CASE WHEN s.retry_count >= $3 THEN 'failed' ELSE 'pending' END,
       failure_code = CASE WHEN s.retry_count >= $3 THEN 'delivery_error' ELSE NULL END,
       failure_detail = CASE WHEN s.retry_count >= $3 THEN $2 ELSE NULL END
     WHERE s.id = ANY($1::uuid[]) AND s.status = 'pending'
     RETURNING ${SCHEDULED_COLUMNS}`,
    [ids, error.slice(0, 500), maxRetries, delayMs, now],
  );
  return rows;
}

/**
 * Inside a suspects batch's delivery transaction (`batchId` null: lockRecordedRows struck the
 * batch's own record): the rows it handled are struck from records that dead processes left
 * behind, so that they are no longer counted as crashes. With `q` the Db itself (outside any
 * transaction) and a `batchId`, it discards the record of a delivery that rolled back while the
 * process lived on.
 */
export async function finishBatch(q: Queryable, batchId: string | null, handledIds: readonly string[]): Promise<void> {
  if (batchId) {
    await q.query('DELETE FROM scheduled_delivery_batches WHERE id = $1', [batchId], { name: 'herald_finish_batch' });
  }
  if (handledIds.length === 0) return;
  await q.query(
    `UPDATE scheduled_delivery_batches
     SET scheduled_ids = ARRAY(SELECT unnest(scheduled_ids) EXCEPT SELECT unnest($1::uuid[]))
     WHERE scheduled_ids && $1::uuid[]`,
    [handledIds],
  );
  await q.query('DELETE FROM scheduled_delivery_batches WHERE cardinality(scheduled_ids) = 0');
}
