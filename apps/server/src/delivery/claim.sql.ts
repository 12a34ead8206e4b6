import { sqlLiteral, type Db, type Queryable } from '../db/db.js';
import { scheduledColumns, type ScheduledRow } from '../modules/scheduling/index.js';

/**
 * Claiming due rows, in two steps (the delivery protocol; outcome.sql.ts has the rest):
 *   pickAndRecordBatch (committed on its own)  pick due rows, record them as in flight
 *   lockRecordedRows (delivery transaction)    one statement: strike the in-flight record, lock
 *                                              the recorded rows still pending (latest versions),
 *                                              with everything delivery re-checks, and their
 *                                              conversations that no one else holds
 * The in-flight record is committed BEFORE any row is locked, never from inside the delivery
 * transaction: a transaction that holds row locks and then waits for a second pooled connection
 * deadlocks as soon as requests blocked on those locks fill the pool (seen: a 30 s hang, then the
 * process died). The delivery transaction uses its one connection from BEGIN to COMMIT.
 */

/** A row of a batch still on record although its transaction is gone: its process died. */
const IN_SOME_BATCH = 'EXISTS (SELECT 1 FROM scheduled_delivery_batches b WHERE s.id = ANY (b.scheduled_ids))';

/**
 * An in-flight record younger than this belongs, most likely, to a live pass between its pick and
 * its lock; older, to a process that died. Suspects are taken only from old records: several
 * processes' suspects passes (each starts one after a kill) would otherwise record the same row
 * at the same moment, and the first to lock it would count the others' fresh records as crashes
 * (the chaos run saw rows of one dead batch fail with delivery_error that way).
 */
export const SUSPECT_AFTER_MS = 10_000;

const inRecentBatch = (now: Date) =>
  `EXISTS (SELECT 1 FROM scheduled_delivery_batches b WHERE s.id = ANY (b.scheduled_ids)
     AND b.claimed_at > ${sqlLiteral.timestamp(new Date(now.getTime() - SUSPECT_AFTER_MS))})`;

/** A picked batch: the recorded ids, and the storage keys of their media (looked for on disk before locking). */
export interface PickedBatch {
  ids: string[];
  mediaKeys: string[];
}

/**
 * Picks up to `limit` due rows, oldest due first, and records them as the in-flight batch
 * `batchId`, committed before delivery locks anything: if the process dies while delivering them,
 * the record outlives the rolled-back delivery and marks its rows as suspects (the crash guard).
 *  - Picks take turns: a transaction-level advisory lock, then the insert in a statement of its
 *    own, so that its snapshot sees every record committed by the pick before. Two picks never
 *    record the same fresh rows, and a row is never counted as "in a dead batch" because another
 *    live dispatcher happened to pick it at the same moment. Both statements go in one round trip
 *    (a script: one implicit transaction).
 *  - `fresh` rows are in no record; `suspect` rows are in a record older than SUSPECT_AFTER_MS (a
 *    dead process's) and in no younger one (a live pass's, between its pick and its lock: counted
 *    as a crash at lock time, it would fail innocent rows); FOR KEY SHARE SKIP LOCKED passes over
 *    rows a live delivery has locked.
 *  - The media's storage keys come back too (a media row's key never changes), so that the disk is
 *    asked about blobs before the delivery transaction takes any lock, never while it holds them.
 *  - Rows of `leaveOut` (conversations this process found held moments ago, held-conversations.ts)
 *    are left for a later pick, so that held rows cannot fill batch after batch.
 *  - The record commits without waiting for its WAL flush (synchronous_commit off, this
 *    transaction only): it is visible to every session at once, which is all the protocol needs
 *    while the server runs; and if PostgreSQL itself crashes before the flush, the record is lost
 *    only together with everything delivered under it, because the delivery transaction commits
 *    synchronously and its flush carries the record's earlier WAL with it. A lost record with no
 *    delivery leaves its rows pending, as if never picked. Saves one disk flush per batch.
 * Returns no ids when nothing is due (and nothing was recorded).
 */
export async function pickAndRecordBatch(
  db: Db,
  batchId: string,
  now: Date,
  limit: number,
  kind: 'fresh' | 'suspect',
  leaveOut: readonly string[] = [],
): Promise<PickedBatch> {
  const notLeftOut = leaveOut.length
    ? `AND s.conversation_id <> ALL (ARRAY[${leaveOut.map((id) => sqlLiteral.uuid(id)).join(', ')}])`
    : '';
  const { rows } = await db.queryScript<PickedBatch>(
    `SET LOCAL synchronous_commit = off;
     SELECT pg_advisory_xact_lock(hashtextextended('herald:delivery-pick', 0));
     WITH due AS (
       SELECT s.id, s.due_at, s.media_id FROM scheduled_messages s
       WHERE s.status = 'pending' AND s.due_at <= ${sqlLiteral.timestamp(now)}
         AND ${kind === 'fresh' ? `NOT ${IN_SOME_BATCH}` : `${IN_SOME_BATCH} AND NOT ${inRecentBatch(now)}`}
         ${notLeftOut}
       ORDER BY s.due_at LIMIT ${sqlLiteral.integer(limit)}
       ${kind === 'suspect' ? 'FOR KEY SHARE SKIP LOCKED' : ''}
     )
     INSERT INTO scheduled_delivery_batches (id, scheduled_ids, claimed_at)
     SELECT ${sqlLiteral.uuid(batchId)}, array_agg(id ORDER BY due_at), ${sqlLiteral.timestamp(now)}
     FROM due HAVING count(*) > 0
     RETURNING scheduled_ids AS ids,
       ARRAY(SELECT md.storage_key FROM due JOIN media md ON md.id = due.media_id) AS "mediaKeys"`,
  );
  return rows[0] ?? { ids: [], mediaKeys: [] };
}

/** What delivery re-checks for a locked row, read in the statement that locks it. */
export interface DeliveryChecks {
  /** Records of dead processes' batches (other than this one) that contain this row. */
  crashes: number;
  senderDeleted: boolean;
  conversationMissing: boolean;
  senderHidden: boolean;
  senderLeft: boolean;
  receiverDeleted: boolean;
  blocked: boolean;
  /** The media row is gone or deleted; when it exists, `mediaKey` names its blob. */
  mediaMissing: boolean;
  mediaKey: string | null;
  replyMissing: boolean;
  /**
   * Users who were members of the conversation and are not any more: their wrapped keys, if the
   * row was sealed for them, are stripped at delivery (membership at the due time decides).
   */
  formerMembers: string[];
}

export type LockedRow = ScheduledRow & {
  checks: DeliveryChecks;
  /** This transaction holds the row's conversation (always, for send-now's one row). */
  conversationLocked: boolean;
};

/**
 * Locks `locking` (a query selecting scheduled_messages ids FOR UPDATE, as `s`) and reads, in the
 * same statement, everything delivery re-checks. The scheduled row's columns come from the locked
 * tuples (FOR UPDATE returns each row's latest committed version: an edit that committed a
 * moment ago is delivered as edited); the other tables are read in the statement's snapshot.
 * With `longerLockWaits` (the dispatcher's transactions; never a request's), set_config raises
 * lock_timeout for the rest of the transaction: requests run under a short one so that they
 * answer quickly. A batch takes its rows' and conversations' locks without waiting (SKIP LOCKED),
 * but its writes may still meet a lock on a row they touch besides those (a dead batch's record
 * that another suspects pass is striking, a media row): giving up there would cost every row of
 * the batch a retry, so it may wait longer. Still below idle_in_transaction_session_timeout; and
 * it never waits on a pooled connection.
 */
const lockWithChecks = (
  locking: string,
  batchParam: string,
  longerLockWaits: boolean,
  batch?: { finished: string; conversationLocks: string },
) => `
  WITH ${batch ? `finished AS (${batch.finished}),` : ''}
  locked AS (${locking}),
  timeout AS MATERIALIZED (SELECT ${longerLockWaits ? "set_config('lock_timeout', '10s', true)" : 'NULL'})
  ${batch ? `, conversation_locks AS MATERIALIZED (${batch.conversationLocks})` : ''}
  SELECT ${scheduledColumns('l')},
    ${batch ? 'l.conversation_id IN (SELECT id FROM conversation_locks)' : 'true'} AS "conversationLocked",
    json_build_object(
      'crashes', (SELECT count(*)::int FROM scheduled_delivery_batches b
                  WHERE l.id = ANY (b.scheduled_ids) AND b.id IS DISTINCT FROM ${batchParam}::uuid),
      'senderDeleted', su.deleted_at IS NOT NULL,
      'conversationMissing', c.id IS NULL,
      'senderHidden', sm.hidden_at IS NOT NULL,
      'senderLeft', sm.user_id IS NULL OR sm.left_at IS NOT NULL,
      'receiverDeleted', COALESCE(ru.deleted_at IS NOT NULL, false),
      'blocked', l.receiver_id IS NOT NULL AND EXISTS (
         SELECT 1 FROM blocks bl
         WHERE (bl.blocker_id = l.sender_id AND bl.blocked_id = l.receiver_id)
            OR (bl.blocker_id = l.receiver_id AND bl.blocked_id = l.sender_id)),
      'mediaMissing', l.media_id IS NOT NULL AND (md.id IS NULL OR md.deleted_at IS NOT NULL),
      'mediaKey', md.storage_key,
      'replyMissing', l.reply_to_id IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM messages rm WHERE rm.id = l.reply_to_id AND rm.conversation_id = l.conversation_id),
      'formerMembers', ARRAY(SELECT fm.user_id FROM conversation_members fm
                             WHERE fm.conversation_id = l.conversation_id AND fm.left_at IS NOT NULL)
    ) AS checks
  FROM locked l
  CROSS JOIN timeout
  JOIN users su ON su.id = l.sender_id
  LEFT JOIN conversations c ON c.id = l.conversation_id
  LEFT JOIN conversation_members sm ON sm.conversation_id = l.conversation_id AND sm.user_id = l.sender_id
  LEFT JOIN users ru ON ru.id = l.receiver_id
  LEFT JOIN media md ON md.id = l.media_id
  ORDER BY l.due_at`;

/**
 * Inside the delivery transaction, in one statement (one round trip):
 *  - strikes the batch's in-flight record: it goes with the commit, and comes back with a
 *    rollback, wherever in the transaction it is deleted (the crash guard needs only that);
 *  - locks the recorded rows that are still pending and due, with their checks. SKIP LOCKED: a
 *    row that an edit, a cancel or a send-now holds right now is left to the next pass (the
 *    dispatcher never waits for a user's request);
 *  - locks their conversations that no one else holds, and says per row whether it got its
 *    conversation. writeMessages locks the conversations it writes to (so that writers to one
 *    conversation take turns, write-messages.sql.ts); a batch that waited there for one
 *    conversation held by someone else (a live send, another batch, a connection idle in
 *    transaction holding it for seconds) would hold back every other conversation's rows, and the
 *    whole pass, behind it. Instead the caller delivers only the rows whose conversation it locked
 *    here (writeMessages then finds those locks already taken) and leaves the others pending for
 *    the next pass (held-conversations.ts). Same lock mode as writeMessages (no upgrade to wait
 *    for), same id order as every writer of messages.
 * Since it waits for none of these locks, their order cannot deadlock; ORDER BY due_at only keeps
 * the oldest first.
 */
export async function lockRecordedRows(
  q: Queryable,
  ids: readonly string[],
  now: Date,
  batchId: string,
): Promise<LockedRow[]> {
  const { rows } = await q.query<LockedRow>(
    lockWithChecks(
      `SELECT * FROM scheduled_messages s
       WHERE s.id = ANY($1::uuid[]) AND s.status = 'pending' AND s.due_at <= $2
       ORDER BY s.due_at
       FOR UPDATE SKIP LOCKED`,
      '$3',
      true,
      {
        finished: 'DELETE FROM scheduled_delivery_batches WHERE id = $3',
        conversationLocks: `SELECT c.id FROM conversations c
          WHERE c.id IN (SELECT conversation_id FROM locked)
          ORDER BY c.id
          FOR NO KEY UPDATE SKIP LOCKED`,
      },
    ),
    [ids, now, batchId],
    { name: 'herald_lock_recorded' },
  );
  return rows;
}

/**
 * Send-now: locks one of the sender's rows, waiting for a delivery that holds it (requests run
 * under a lock_timeout), and returns its latest version whatever its status, with its checks.
 */
export async function lockOwnScheduled(q: Queryable, id: string, senderId: string): Promise<LockedRow | undefined> {
  const { rows } = await q.query<LockedRow>(
    lockWithChecks('SELECT * FROM scheduled_messages s WHERE s.id = $1 AND s.sender_id = $2 FOR UPDATE', 'NULL', false),
    [id, senderId],
  );
  return rows[0];
}
