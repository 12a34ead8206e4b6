/**
 * The scheduled_messages row as every part of scheduling reads it (the API's use-cases and the
 * delivery pipeline), and the statements they share. The use-cases' own statements live in files
 * named for them (create-scheduled.sql.ts, edit-scheduled.sql.ts, list-scheduled.sql.ts,
 * fail-pending.sql.ts).
 */
import type { FailureCode, MessageContentType, ScheduledStatus } from '@herald/shared';
import type { Queryable } from '../../db/db.js';

export interface ScheduledRow {
  id: string;
  conversationId: string;
  senderId: string;
  receiverId: string | null;
  content: string;
  contentType: Exclude<MessageContentType, 'event'>;
  mediaId: string | null;
  isOneTimeMedia: boolean;
  viewLimit: number | null;
  mediaExpirySeconds: number | null;
  replyToId: string | null;
  scheduledTime: Date;
  dueAt: Date;
  status: ScheduledStatus;
  retryCount: number;
  lastError: string | null;
  failureCode: FailureCode | null;
  failureDetail: string | null;
  sentAt: Date | null;
  messageId: string | null;
  cancelledAt: Date | null;
  failureSeenAt: Date | null;
  dismissedAt: Date | null;
  version: number;
  clientId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Recipients see that it was scheduled (migration 0009); by default they do not. */
  showAsScheduled: boolean;
}

/** A scheduled row's columns, read from the table (or a CTE of its columns) named `t`. */
export const scheduledColumns = (t: string) => `
  ${t}.id, ${t}.conversation_id AS "conversationId", ${t}.sender_id AS "senderId", ${t}.receiver_id AS "receiverId",
  ${t}.content, ${t}.content_type AS "contentType", ${t}.media_id AS "mediaId", ${t}.is_one_time_media AS "isOneTimeMedia",
  ${t}.view_limit AS "viewLimit", ${t}.media_expiry_seconds AS "mediaExpirySeconds", ${t}.reply_to_id AS "replyToId",
  ${t}.scheduled_time AS "scheduledTime",
  ${t}.due_at AS "dueAt", ${t}.status, ${t}.retry_count AS "retryCount", ${t}.last_error AS "lastError",
  ${t}.failure_code AS "failureCode", ${t}.failure_detail AS "failureDetail", ${t}.sent_at AS "sentAt",
  ${t}.message_id AS "messageId", ${t}.cancelled_at AS "cancelledAt", ${t}.failure_seen_at AS "failureSeenAt",
  ${t}.dismissed_at AS "dismissedAt", ${t}.version, ${t}.client_id AS "clientId", ${t}.created_at AS "createdAt",
  ${t}.updated_at AS "updatedAt", ${t}.show_as_scheduled AS "showAsScheduled"`;

export const SCHEDULED_COLUMNS = scheduledColumns('s');

/** One of the sender's scheduled messages (another user's looks missing). */
export async function selectScheduled(q: Queryable, id: string, senderId: string): Promise<ScheduledRow | undefined> {
  const { rows } = await q.query<ScheduledRow>(
    `SELECT ${SCHEDULED_COLUMNS} FROM scheduled_messages s WHERE s.id = $1 AND s.sender_id = $2`,
    [id, senderId],
  );
  return rows[0];
}

export async function selectScheduledByClientId(q: Queryable, senderId: string, clientId: string) {
  const { rows } = await q.query<ScheduledRow>(
    `SELECT ${SCHEDULED_COLUMNS} FROM scheduled_messages s WHERE s.sender_id = $1 AND s.client_id = $2`,
    [senderId, clientId],
  );
  return rows[0];
}

/** Frees the media of a scheduled message that will never be sent (purged after a day unless reused). */
export async function releaseMedia(q: Queryable, mediaIds: readonly string[]): Promise<void> {
  if (mediaIds.length === 0) return;
  await q.query('UPDATE media SET attached_at = NULL WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL', [mediaIds]);
}
