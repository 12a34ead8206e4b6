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

export const SCHEDULED_COLUMNS = `
  s.id, s.conversation_id AS "conversationId", s.sender_id AS "senderId", s.receiver_id AS "receiverId",
  s.content, s.content_type AS "contentType", s.media_id AS "mediaId", s.is_one_time_media AS "isOneTimeMedia",
  s.view_limit AS "viewLimit", s.media_expiry_seconds AS "mediaExpirySeconds", s.reply_to_id AS "replyToId",
  s.scheduled_time AS "scheduledTime",
  s.due_at AS "dueAt", s.status, s.retry_count AS "retryCount", s.last_error AS "lastError",
  s.failure_code AS "failureCode", s.failure_detail AS "failureDetail", s.sent_at AS "sentAt",
  s.message_id AS "messageId", s.cancelled_at AS "cancelledAt", s.failure_seen_at AS "failureSeenAt",
  s.dismissed_at AS "dismissedAt", s.version, s.client_id AS "clientId", s.created_at AS "createdAt",
  s.updated_at AS "updatedAt"`;

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

/** A claimed row with what delivery needs to re-check, read in the same statement. */
export interface ClaimedRow extends ScheduledRow {
  /** In-flight batch records left behind by dead processes that contained this row. */
  crashes: number;
  senderDeleted: boolean;
  conversationMissing: boolean;
  senderHidden: boolean;
  senderLeft: boolean;
  receiverDeleted: boolean;
  blocked: boolean;
  mediaMissing: boolean;
  replyMissing: boolean;
}

const IN_LEFTOVER_BATCH = 'EXISTS (SELECT 1 FROM scheduled_delivery_batches b WHERE s.id = ANY (b.scheduled_ids))';

/**
 * Reads the claimed rows with everything delivery re-checks. `due` is a CTE of claimed ids; its
 * locking subquery walks the partial due index in order, so the plan stays O(batch) even before
 * the table has statistics.
 */
const claimSelect = (due: string, batchParam: string) => `
  WITH due AS (${due})
  SELECT ${SCHEDULED_COLUMNS},
    (SELECT count(*)::int FROM scheduled_delivery_batches b
     WHERE s.id = ANY (b.scheduled_ids) AND b.id <> ${batchParam}::uuid) AS crashes,
    su.deleted_at IS NOT NULL AS "senderDeleted",
    c.id IS NULL AS "conversationMissing",
    sm.hidden_at IS NOT NULL AS "senderHidden",
    (sm.user_id IS NULL OR sm.left_at IS NOT NULL) AS "senderLeft",
    COALESCE(ru.deleted_at IS NOT NULL, false) AS "receiverDeleted",
    (s.receiver_id IS NOT NULL AND EXISTS (
       SELECT 1 FROM blocks bl
       WHERE (bl.blocker_id = s.sender_id AND bl.blocked_id = s.receiver_id)
          OR (bl.blocker_id = s.receiver_id AND bl.blocked_id = s.sender_id))) AS blocked,
    (s.media_id IS NOT NULL AND (md.id IS NULL OR md.deleted_at IS NOT NULL)) AS "mediaMissing",
    (s.reply_to_id IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM messages rm WHERE rm.id = s.reply_to_id AND rm.conversation_id = s.conversation_id))
      AS "replyMissing"
  FROM due
  JOIN scheduled_messages s ON s.id = due.id
  JOIN users su ON su.id = s.sender_id
  LEFT JOIN conversations c ON c.id = s.conversation_id
  LEFT JOIN conversation_members sm ON sm.conversation_id = s.conversation_id AND sm.user_id = s.sender_id
  LEFT JOIN users ru ON ru.id = s.receiver_id
  LEFT JOIN media md ON md.id = s.media_id
  ORDER BY s.due_at`;

/**
 * Claims up to `limit` due rows, oldest due first, skipping rows another dispatcher (or an edit)
 * holds, and rows of a batch whose process died (those go one by one, see claimSuspect). The
 * locks last until the caller's transaction ends: that transaction delivers them, so a crash
 * rolls back claim and delivery together.
 */
export async function claimDueBatch(q: Queryable, now: Date, limit: number, batchId: string): Promise<ClaimedRow[]> {
  const { rows } = await q.query<ClaimedRow>(
    claimSelect(
      `SELECT s.id FROM scheduled_messages s
       WHERE s.status = 'pending' AND s.due_at <= $1 AND NOT ${IN_LEFTOVER_BATCH}
       ORDER BY s.due_at LIMIT $2
       FOR UPDATE SKIP LOCKED`,
      '$3',
    ),
    [now, limit, batchId],
    { name: 'herald_claim_due' },
  );
  return rows;
}

/** Claims one due row that was in a batch whose process died: it is delivered on its own. */
export async function claimSuspect(q: Queryable, now: Date, batchId: string): Promise<ClaimedRow | undefined> {
  const { rows } = await q.query<ClaimedRow>(
    claimSelect(
      `SELECT s.id FROM scheduled_messages s
       WHERE s.status = 'pending' AND s.due_at <= $1 AND ${IN_LEFTOVER_BATCH}
       ORDER BY s.due_at LIMIT 1
       FOR UPDATE SKIP LOCKED`,
      '$2',
    ),
    [now, batchId],
    { name: 'herald_claim_suspect' },
  );
  return rows[0];
}

/** PGlite: claims rows peeked (and recorded) before the transaction. */
export async function claimByIds(q: Queryable, ids: readonly string[], batchId: string): Promise<ClaimedRow[]> {
  const { rows } = await q.query<ClaimedRow>(
    claimSelect(
      `SELECT s.id FROM scheduled_messages s WHERE s.id = ANY($1::uuid[]) AND s.status = 'pending' FOR UPDATE`,
      '$2',
    ),
    [ids, batchId],
  );
  return rows;
}

/** Claims one pending row of the sender for send-now, waiting for a delivery in progress. */
export async function claimOne(q: Queryable, id: string, senderId: string): Promise<ClaimedRow | undefined> {
  const { rows } = await q.query<ClaimedRow>(
    claimSelect(`SELECT s.id FROM scheduled_messages s WHERE s.id = $1 AND s.sender_id = $2 FOR UPDATE`, '$3'),
    [id, senderId, '00000000-0000-0000-0000-000000000000'],
  );
  return rows[0];
}

/** Ids of pending rows due now, without locking (PGlite's single connection records batches first). */
export async function peekDueIds(q: Queryable, now: Date, limit: number, suspects: boolean): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT s.id FROM scheduled_messages s
     WHERE s.status = 'pending' AND s.due_at <= $1 AND ${suspects ? '' : 'NOT'} ${IN_LEFTOVER_BATCH}
     ORDER BY s.due_at LIMIT $2`,
    [now, limit],
  );
  return rows.map((r) => r.id);
}

/** Records a batch as in flight (committed on its own, outside the delivery transaction). */
export async function recordBatch(q: Queryable, batchId: string, ids: readonly string[], now: Date): Promise<void> {
  await q.query(
    'INSERT INTO scheduled_delivery_batches (id, scheduled_ids, claimed_at) VALUES ($1, $2, $3)',
    [batchId, ids, now],
    { name: 'herald_record_batch' },
  );
}

/**
 * Inside the delivery transaction: the batch completed, so its record goes; and the rows it
 * handled are struck from records that dead processes left behind.
 */
export async function finishBatch(q: Queryable, batchId: string, handledIds: readonly string[]): Promise<void> {
  await q.query('DELETE FROM scheduled_delivery_batches WHERE id = $1', [batchId], { name: 'herald_finish_batch' });
  if (handledIds.length === 0) return;
  await q.query(
    `UPDATE scheduled_delivery_batches
     SET scheduled_ids = ARRAY(SELECT unnest(scheduled_ids) EXCEPT SELECT unnest($1::uuid[]))
     WHERE scheduled_ids && $1::uuid[]`,
    [handledIds],
  );
  await q.query('DELETE FROM scheduled_delivery_batches WHERE cardinality(scheduled_ids) = 0');
}

/** Marks delivered rows sent; returns the ids it changed (the caller knows the rest). */
export async function markSent(
  q: Queryable,
  sent: readonly { id: string; messageId: string }[],
  now: Date,
): Promise<Set<string>> {
  if (sent.length === 0) return new Set();
  const { rows } = await q.query<{ id: string }>(
    `UPDATE scheduled_messages s SET status = 'sent', sent_at = $3, message_id = x.message_id, updated_at = $3,
       last_error = NULL, version = s.version + 1
     FROM unnest($1::uuid[], $2::uuid[]) AS x(id, message_id)
     WHERE s.id = x.id
     RETURNING s.id`,
    [sent.map((s) => s.id), sent.map((s) => s.messageId), now],
    { name: 'herald_mark_sent' },
  );
  return new Set(rows.map((r) => r.id));
}

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
 * What the dispatcher needs to plan its sleep: the next due time of any pending row, and whether
 * in-flight batch records older than `staleBefore` exist (their process probably died, leaving
 * suspects to deliver one by one).
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

export async function countDueBacklog(q: Queryable, now: Date): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM scheduled_messages WHERE status = 'pending' AND due_at <= $1`,
    [now],
  );
  return Number(rows[0]?.n ?? 0);
}
