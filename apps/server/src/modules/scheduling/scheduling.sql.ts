import type { FailureCode, MessageContentType, ScheduledStatus } from '@herald/shared';
import type { Queryable } from '../../db/db.js';

export interface ScheduledRow {
  id: string;
  conversationId: string;
  senderId: string;
  receiverId: string | null;
  content: string;
  contentType: MessageContentType;
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
  ${t}.updated_at AS "updatedAt"`;

export const SCHEDULED_COLUMNS = scheduledColumns('s');

export interface NewScheduled {
  conversationId: string;
  senderId: string;
  receiverId: string | null;
  content: string;
  contentType: MessageContentType;
  mediaId: string | null;
  isOneTimeMedia: boolean;
  viewLimit: number | null;
  mediaExpirySeconds: number | null;
  replyToId: string | null;
  scheduledTime: Date;
  clientId: string | null;
  now: Date;
}

export interface InsertOutcome {
  /** Pending messages of the sender before this one (counted up to the limits). */
  inConversation: number;
  total: number;
  /** Whether the media (if any) could be attached. */
  mediaAttached: boolean;
  /** The new row; undefined when refused (quota, media) or the clientId was already used. */
  row: ScheduledRow | undefined;
}

/**
 * One creation at a time per sender, until the transaction ends: the quota counts of the next
 * one then see every earlier creation (READ COMMITTED takes a new snapshot per statement).
 */
export async function lockSenderQuota(q: Queryable, senderId: string): Promise<void> {
  await q.query("SELECT pg_advisory_xact_lock(hashtextextended('herald:schedule-quota:' || $1, 0))", [senderId], {
    name: 'herald_sender_quota_lock',
  });
}

/**
 * Inserts a scheduled message if the sender is under both pending quotas, attaching its media,
 * in one statement; run it in a transaction that first took the sender's advisory lock, so that
 * the counts see every earlier creation (READ COMMITTED: a new snapshot per statement). Counts
 * stop at the limits, so they cost O(limit) at most. When `notify` is set, every dispatcher is
 * woken at commit (NOTIFY is transactional).
 */
export async function insertScheduledWithinQuota(
  q: Queryable,
  s: NewScheduled,
  limits: { perConversation: number; perUser: number },
  notify: boolean,
): Promise<InsertOutcome> {
  const { rows } = await q.query<ScheduledRow & { inConversation: number; total: number; mediaAttached: boolean }>(
    `WITH counts AS MATERIALIZED (
       SELECT
         (SELECT count(*) FROM (SELECT 1 FROM scheduled_messages
            WHERE sender_id = $2 AND conversation_id = $1 AND status = 'pending' LIMIT $13) a)::int AS in_conversation,
         (SELECT count(*) FROM (SELECT 1 FROM scheduled_messages
            WHERE sender_id = $2 AND status = 'pending' LIMIT $14) b)::int AS total
     ),
     allowed AS (SELECT 1 FROM counts WHERE in_conversation < $13 AND total < $14),
     attached AS (
       UPDATE media SET attached_at = $12
       WHERE $6::uuid IS NOT NULL AND id = $6 AND uploader_id = $2 AND attached_at IS NULL AND deleted_at IS NULL
         AND EXISTS (SELECT 1 FROM allowed)
       RETURNING id
     ),
     inserted AS (
       INSERT INTO scheduled_messages AS s (conversation_id, sender_id, receiver_id, content, content_type, media_id,
         is_one_time_media, view_limit, media_expiry_seconds, scheduled_time, due_at, client_id, created_at, updated_at,
         reply_to_id)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $12, $16
       FROM allowed
       WHERE $6::uuid IS NULL OR EXISTS (SELECT 1 FROM attached)
       ON CONFLICT DO NOTHING
       RETURNING ${SCHEDULED_COLUMNS}
     )
     SELECT counts.in_conversation AS "inConversation", counts.total,
       $6::uuid IS NULL OR EXISTS (SELECT 1 FROM attached) AS "mediaAttached",
       inserted.*,
       CASE WHEN inserted.id IS NOT NULL AND $15
         THEN pg_notify('herald_scheduled', (extract(epoch FROM inserted."dueAt") * 1000)::bigint::text) END AS notified
     FROM counts LEFT JOIN inserted ON true`,
    [
      s.conversationId,
      s.senderId,
      s.receiverId,
      s.content,
      s.contentType,
      s.mediaId,
      s.isOneTimeMedia,
      s.viewLimit,
      s.mediaExpirySeconds,
      s.scheduledTime,
      s.clientId,
      s.now,
      limits.perConversation,
      limits.perUser,
      notify,
      s.replyToId,
    ],
    { name: 'herald_insert_scheduled' },
  );
  const {
    inConversation,
    total,
    mediaAttached,
    notified: _notified,
    ...row
  } = rows[0]! as (typeof rows)[number] & {
    notified: unknown;
  };
  return {
    inConversation,
    total,
    mediaAttached,
    row: row.id ? row : undefined,
  };
}

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

export async function countPendingByConversation(
  q: Queryable,
  senderId: string,
  conversationIds: readonly string[],
): Promise<Map<string, number>> {
  if (conversationIds.length === 0) return new Map();
  const { rows } = await q.query<{ conversationId: string; n: number }>(
    `SELECT conversation_id AS "conversationId", count(*) AS n FROM scheduled_messages
     WHERE sender_id = $1 AND status = 'pending' AND conversation_id = ANY($2::uuid[])
     GROUP BY conversation_id`,
    [senderId, conversationIds],
  );
  return new Map(rows.map((r) => [r.conversationId, Number(r.n)]));
}

export async function countUnseenFailures(q: Queryable, senderId: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM scheduled_messages
     WHERE sender_id = $1 AND status = 'failed' AND failure_seen_at IS NULL AND dismissed_at IS NULL`,
    [senderId],
  );
  return Number(rows[0]?.n ?? 0);
}

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

/** Frees the media of a scheduled message that will never be sent (purged after a day unless reused). */
export async function releaseMedia(q: Queryable, mediaIds: readonly string[]): Promise<void> {
  if (mediaIds.length === 0) return;
  await q.query('UPDATE media SET attached_at = NULL WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL', [mediaIds]);
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

export async function markFailuresSeen(q: Queryable, senderId: string, now: Date): Promise<number> {
  const { rowCount } = await q.query(
    `UPDATE scheduled_messages SET failure_seen_at = $2
     WHERE sender_id = $1 AND status = 'failed' AND failure_seen_at IS NULL`,
    [senderId, now],
  );
  return rowCount;
}

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
