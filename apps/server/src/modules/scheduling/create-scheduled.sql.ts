import type { Queryable } from '../../db/db.js';
import { mayPostSql, postingContextSql } from '../membership/index.js';
import { SCHEDULED_COLUMNS, type ScheduledRow } from './scheduling.sql.js';

/** A row to insert: what the sender chose (the row's own columns), and the request's time. */
export type NewScheduled = Pick<
  ScheduledRow,
  | 'conversationId'
  | 'senderId'
  | 'receiverId'
  | 'content'
  | 'contentType'
  | 'mediaId'
  | 'isOneTimeMedia'
  | 'viewLimit'
  | 'mediaExpirySeconds'
  | 'replyToId'
  | 'scheduledTime'
  | 'clientId'
  | 'showAsScheduled'
> & { now: Date };

export interface PendingLimits {
  perConversation: number;
  perUser: number;
}

export interface InsertOutcome {
  /**
   * False when the statement read the posting context itself and found that the sender may not
   * post there without more (not a member, a block, a deleted chat to bring back): nothing was
   * done, not even counted. Always true when the caller checked the context first.
   */
  postable: boolean;
  /** Pending messages of the sender before this one (counted up to the limits). */
  inConversation: number;
  total: number;
  /**
   * The conversation's current members when the envelope is not addressed to exactly them
   * (nothing is inserted then); null when it is.
   */
  memberIds: string[] | null;
  /** Whether the media (if any) could be attached. */
  mediaAttached: boolean;
  /** The new row; undefined when refused (members, quota, media) or the clientId was already used. */
  row: ScheduledRow | undefined;
}

/**
 * The namespace of the per-sender quota lock. The advisory lock key is the 64-bit hash of this
 * prefix and the sender's id (`hashtextextended(..., 0)`), so it cannot collide with another
 * sender's key nor, in practice, with any other advisory lock Herald takes (the delivery pick
 * turn and the migration runner use keys of their own). Migration 0012's herald_lock_pending_counts,
 * which a creation calls, spells the same key in SQL.
 */
export const SENDER_QUOTA_LOCK_NAMESPACE = 'herald:schedule-quota:';

/**
 * One creation or restore at a time per sender, until the transaction ends: the quota counts of
 * the next one then see every earlier one (READ COMMITTED takes a new snapshot per statement). A
 * transaction-level lock, so that it can never outlive the transaction (no unlock to forget). A
 * restore takes it here; a creation takes it inside its insert (insertScheduledWithinQuota).
 */
export async function lockSenderQuota(q: Queryable, senderId: string): Promise<void> {
  await q.query(
    'SELECT pg_advisory_xact_lock(hashtextextended($1::text || $2::text, 0))',
    [SENDER_QUOTA_LOCK_NAMESPACE, senderId],
    {
      name: 'herald_sender_quota_lock',
    },
  );
}

/**
 * Who may schedule, as the statement sees it. `checked`: the caller read the posting context and
 * asserted it; $3 is the receiver it found. `gated`: the statement reads the context itself and
 * writes only if the sender may post there, in a chat they have not deleted (one round trip
 * fewer); $3 is the receiverId the body named, if any, which must be the other member.
 */
export type PostingCheck = 'checked' | 'gated';

const POSTABLE: Record<PostingCheck, string> = {
  checked: `postable AS (SELECT $3::uuid AS receiver)`,
  gated: `ctx AS MATERIALIZED (${postingContextSql('$2', 'c.id = $1')}),
     postable AS (
       SELECT ctx."otherId" AS receiver FROM ctx
       WHERE ${mayPostSql('ctx')} AND NOT ctx.hidden AND ($3::uuid IS NULL OR ctx."otherId" = $3)
     )`,
};

/**
 * Inserts a scheduled message, in ONE statement (one round trip, its own transaction unless the
 * caller runs it in one), if the sender may post (see PostingCheck), its envelope is addressed to
 * exactly the conversation's current members (`recipients`: the header's, sorted and unique) and
 * the sender is under both pending quotas, attaching its media. The counts are read under the
 * sender's quota lock with a snapshot taken after it (herald_lock_pending_counts, migration 0012),
 * so that they see every earlier creation; the lock is held until the transaction ends. A
 * clientId used before inserts nothing (ON CONFLICT DO NOTHING): the caller answers with the
 * first row. Waking the dispatchers is the caller's business (after commit).
 */
export async function insertScheduledWithinQuota(
  q: Queryable,
  s: NewScheduled,
  recipients: readonly string[],
  limits: PendingLimits,
  check: PostingCheck = 'checked',
): Promise<InsertOutcome> {
  const { rows } = await q.query<
    ScheduledRow & {
      postable: boolean;
      inConversation: number | null;
      total: number | null;
      memberIds: string[] | null;
      mediaAttached: boolean;
    }
  >(
    `WITH ${POSTABLE[check]},
     counts AS MATERIALIZED (
       SELECT f.in_conversation, f.total FROM postable, herald_lock_pending_counts($2, $1, $13, $14) f
     ),
     members AS MATERIALIZED (
       SELECT ids, ids @> $17::uuid[] AND ids <@ $17::uuid[] AS addressed
       FROM (SELECT coalesce(array_agg(user_id ORDER BY user_id), '{}') AS ids
             FROM conversation_members WHERE conversation_id = $1 AND left_at IS NULL) m
     ),
     allowed AS (
       SELECT 1 FROM counts, members WHERE members.addressed AND in_conversation < $13 AND total < $14
     ),
     attached AS (
       UPDATE media SET attached_at = $12
       WHERE $6::uuid IS NOT NULL AND id = $6 AND uploader_id = $2 AND attached_at IS NULL AND deleted_at IS NULL
         AND EXISTS (SELECT 1 FROM allowed)
       RETURNING id
     ),
     inserted AS (
       INSERT INTO scheduled_messages AS s (conversation_id, sender_id, receiver_id, content, content_type, media_id,
         is_one_time_media, view_limit, media_expiry_seconds, scheduled_time, due_at, client_id, created_at, updated_at,
         reply_to_id, show_as_scheduled)
       SELECT $1, $2, postable.receiver, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $12, $15, $16
       FROM allowed, postable
       WHERE $6::uuid IS NULL OR EXISTS (SELECT 1 FROM attached)
       ON CONFLICT DO NOTHING
       RETURNING ${SCHEDULED_COLUMNS}
     )
     SELECT EXISTS (SELECT 1 FROM postable) AS postable,
       counts.in_conversation AS "inConversation", counts.total,
       CASE WHEN members.addressed THEN NULL ELSE members.ids END AS "memberIds",
       $6::uuid IS NULL OR EXISTS (SELECT 1 FROM attached) AS "mediaAttached",
       inserted.*
     FROM members LEFT JOIN counts ON true LEFT JOIN inserted ON true`,
    [
      /* $1 */ s.conversationId,
      /* $2 */ s.senderId,
      /* $3 */ s.receiverId,
      /* $4 */ s.content,
      /* $5 */ s.contentType,
      /* $6 */ s.mediaId,
      /* $7 */ s.isOneTimeMedia,
      /* $8 */ s.viewLimit,
      /* $9 */ s.mediaExpirySeconds,
      /* $10 */ s.scheduledTime,
      /* $11 */ s.clientId,
      /* $12 */ s.now,
      /* $13 */ limits.perConversation,
      /* $14 */ limits.perUser,
      /* $15 */ s.replyToId,
      /* $16 */ s.showAsScheduled,
      /* $17 */ recipients,
    ],
    { name: `herald_insert_scheduled_${check}` },
  );
  const { postable, inConversation, total, memberIds, mediaAttached, ...row } = rows[0]!;
  return {
    postable,
    inConversation: inConversation ?? 0,
    total: total ?? 0,
    memberIds: postable ? memberIds : null,
    mediaAttached,
    row: row.id ? row : undefined,
  };
}
