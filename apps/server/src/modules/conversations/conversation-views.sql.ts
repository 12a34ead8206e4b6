import type { Queryable } from '../../db/db.js';
import { CONVERSATION_COLUMNS, MEMBER_COLUMNS, type ConversationRow, type MemberRow } from '../membership/index.js';

/** What a member sees of a conversation beyond its rows: derived from other tables on each read. */
export interface MemberState {
  lastMessageId: string | null;
  lastActivityAt: Date;
  unreadCount: number;
  /** How often this member opened the last message's one-time media. */
  lastMessageMyViews: number;
  /** This member's pending scheduled messages here: the one source of "N scheduled". */
  scheduledPendingCount: number;
  /** This member's mute: an RFC 3339 instant still ahead, 'forever', or null (see mute.ts). */
  mutedUntil: string | null;
}

/** One member's row of one conversation, with what only that member sees of it. */
export type MemberView = ConversationRow & { member: MemberRow; state: MemberState };

/** Unread counts stop at this: a badge shows "9999" for anything beyond. */
export const UNREAD_CAP = 9999;

/**
 * The member's mute as the API shows it: 'forever' for 'infinity', the instant (UTC, milliseconds)
 * while it is ahead of the read time $1, else null: a mute that has ended is simply not there.
 */
const MUTED_UNTIL = `CASE WHEN cm.muted_until = 'infinity' THEN 'forever'
         WHEN cm.muted_until > $1
         THEN to_char(cm.muted_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END`;

/**
 * A direct chat someone else opened does not exist for this member until it holds a message (or
 * an event): not listed, GET 404, no conversation_updated (migration 0007). One probe of the
 * messages_page index, only for the rows still marked awaiting.
 */
const NOT_AWAITING = `NOT (cm.awaiting_first_message
       AND NOT EXISTS (SELECT 1 FROM messages fm WHERE fm.conversation_id = cm.conversation_id))`;

/**
 * The per-member parts of a conversation view, for every (conversation, member) row `cm` the
 * WHERE clause picks, in one statement whatever the number of rows:
 * - the newest message the member can see (from their join, after a "delete chat", unexpired,
 *   not deleted for themselves: message_hides);
 * - unread: others' messages above their read watermark, not deleted for everyone, counted up to
 *   UNREAD_CAP (O(cap));
 * - their opens of that last message's one-time media;
 * - their pending scheduled messages there (the partial index on pending rows by conversation
 *   and sender keeps it O(pending)).
 * $1 is the read time (for expiry); the caller's parameters follow.
 */
const memberViewSelect = (where: string, orderBy: string) => {
  // Timeline events (content_type 'event') count as the last message (the list can say "Ana
  // added Ben") but never as unread.
  const visible = `m.conversation_id = c.id AND m.created_at >= cm.joined_at
      AND (cm.history_from IS NULL OR m.created_at > cm.history_from)
      AND (m.expires_at IS NULL OR m.expires_at > $1)
      AND NOT EXISTS (SELECT 1 FROM message_hides h WHERE h.user_id = cm.user_id AND h.message_id = m.id)`;
  return `SELECT ${CONVERSATION_COLUMNS}, ${MEMBER_COLUMNS},
       last.id AS "lastMessageId", COALESCE(last.created_at, c.created_at) AS "lastActivityAt",
       unread.n AS "unreadCount",
       COALESCE((SELECT mv.views FROM media_views mv WHERE mv.message_id = last.id AND mv.user_id = cm.user_id), 0)
         AS "lastMessageMyViews",
       (SELECT count(*)::int FROM scheduled_messages s
        WHERE s.conversation_id = cm.conversation_id AND s.sender_id = cm.user_id AND s.status = 'pending')
         AS "scheduledPendingCount",
       ${MUTED_UNTIL} AS "mutedUntil"
     FROM conversation_members cm
     JOIN conversations c ON c.id = cm.conversation_id
     LEFT JOIN LATERAL (
       SELECT m.id, m.created_at FROM messages m WHERE ${visible} ORDER BY m.seq DESC LIMIT 1
     ) last ON true
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS n FROM (
         SELECT 1 FROM messages m
         WHERE ${visible} AND m.seq > cm.read_seq AND m.sender_id <> cm.user_id AND m.deleted_at IS NULL
           AND m.content_type <> 'event'
         LIMIT ${UNREAD_CAP}) u
     ) unread
     WHERE cm.left_at IS NULL AND ${NOT_AWAITING} AND ${where}
     ORDER BY ${orderBy}`;
};

type Flat = ConversationRow & MemberRow & MemberState;

const toMemberView = (r: Flat): MemberView => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  createdBy: r.createdBy,
  temporaryTtlSeconds: r.temporaryTtlSeconds,
  createdAt: r.createdAt,
  member: r,
  state: {
    lastMessageId: r.lastMessageId,
    lastActivityAt: r.lastActivityAt,
    unreadCount: r.unreadCount,
    lastMessageMyViews: Number(r.lastMessageMyViews),
    scheduledPendingCount: r.scheduledPendingCount,
    mutedUntil: r.mutedUntil,
  },
});

/**
 * The user's current conversations, newest activity first. A chat they deleted stays out of the
 * list until a message newer than the deletion arrives. With `conversationIds`, just those
 * (hidden ones included).
 */
export async function selectMyConversations(
  q: Queryable,
  userId: string,
  now: Date,
  conversationIds?: readonly string[],
): Promise<MemberView[]> {
  const { rows } = await q.query<Flat>(
    memberViewSelect(
      `cm.user_id = $2
       AND ($3::uuid[] IS NULL AND (cm.hidden_at IS NULL OR last.created_at > cm.hidden_at)
            OR cm.conversation_id = ANY($3::uuid[]))`,
      'COALESCE(last.created_at, c.created_at) DESC, c.id',
    ),
    [now, userId, conversationIds ?? null],
  );
  return rows.map(toMemberView);
}

/**
 * One conversation as each of its current members sees it (hidden for them or not), or only
 * as `userIds` see it: one row per member, whatever the group's size.
 */
export async function selectMembersViews(
  q: Queryable,
  conversationId: string,
  now: Date,
  userIds?: readonly string[],
): Promise<MemberView[]> {
  const { rows } = await q.query<Flat>(
    memberViewSelect(
      'cm.conversation_id = $2 AND ($3::uuid[] IS NULL OR cm.user_id = ANY($3::uuid[]))',
      'cm.joined_at, cm.user_id',
    ),
    [now, conversationId, userIds ?? null],
  );
  return rows.map(toMemberView);
}

/** Every block with one of these users on either side (blocker, blocked). */
export async function selectBlocksInvolving(
  q: Queryable,
  userIds: readonly string[],
): Promise<{ blockerId: string; blockedId: string }[]> {
  if (userIds.length === 0) return [];
  const { rows } = await q.query<{ blockerId: string; blockedId: string }>(
    `SELECT blocker_id AS "blockerId", blocked_id AS "blockedId" FROM blocks
     WHERE blocker_id = ANY($1::uuid[]) OR blocked_id = ANY($1::uuid[])`,
    [userIds],
  );
  return rows;
}
