import type { MemberRole } from '@herald/shared';
import type { Queryable } from '../../db/db.js';

export interface ConversationRow {
  id: string;
  kind: 'direct' | 'group';
  title: string | null;
  createdBy: string | null;
  temporaryTtlSeconds: number | null;
  createdAt: Date;
}

export interface MemberRow {
  conversationId: string;
  userId: string;
  role: MemberRole;
  joinedAt: Date;
  leftAt: Date | null;
  leftReason: 'left' | 'removed' | 'account_deleted' | null;
  deliveredSeq: number;
  deliveredAt: Date | null;
  readSeq: number;
  readAt: Date | null;
  hiddenAt: Date | null;
  historyFrom: Date | null;
}

export const CONVERSATION_COLUMNS = `
  c.id, c.kind, c.title, c.created_by AS "createdBy", c.temporary_ttl_seconds AS "temporaryTtlSeconds",
  c.created_at AS "createdAt"`;

export const MEMBER_COLUMNS = `
  cm.conversation_id AS "conversationId", cm.user_id AS "userId", cm.role, cm.joined_at AS "joinedAt",
  cm.left_at AS "leftAt", cm.left_reason AS "leftReason",
  cm.delivered_seq AS "deliveredSeq", cm.delivered_at AS "deliveredAt", cm.read_seq AS "readSeq",
  cm.read_at AS "readAt", cm.hidden_at AS "hiddenAt", cm.history_from AS "historyFrom"`;

export async function selectConversation(q: Queryable, id: string): Promise<ConversationRow | undefined> {
  const { rows } = await q.query<ConversationRow>(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = $1`,
    [id],
  );
  return rows[0];
}

/** The user's membership row, current or past. */
export async function selectMember(
  q: Queryable,
  conversationId: string,
  userId: string,
): Promise<MemberRow | undefined> {
  const { rows } = await q.query<MemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM conversation_members cm WHERE cm.conversation_id = $1 AND cm.user_id = $2`,
    [conversationId, userId],
  );
  return rows[0];
}

/** Current members (not left, not removed), oldest first. */
export async function selectCurrentMembers(q: Queryable, conversationIds: readonly string[]): Promise<MemberRow[]> {
  if (conversationIds.length === 0) return [];
  const { rows } = await q.query<MemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM conversation_members cm
     WHERE cm.conversation_id = ANY($1::uuid[]) AND cm.left_at IS NULL
     ORDER BY cm.joined_at, cm.user_id`,
    [conversationIds],
  );
  return rows;
}

export async function selectCurrentMemberIds(q: Queryable, conversationId: string): Promise<string[]> {
  const { rows } = await q.query<{ userId: string }>(
    'SELECT user_id AS "userId" FROM conversation_members WHERE conversation_id = $1 AND left_at IS NULL',
    [conversationId],
  );
  return rows.map((r) => r.userId);
}

/**
 * The user's contacts: everyone who currently shares at least one conversation with them, minus
 * anyone with a block between the two (either way). This is the one presence rule: contacts see
 * each other's online state and last seen (and get user_online / user_offline), nobody else does.
 * With `among`, only those of these ids who are contacts.
 */
export async function selectContactIds(q: Queryable, userId: string, among?: readonly string[]): Promise<string[]> {
  if (among?.length === 0) return [];
  const { rows } = await q.query<{ userId: string }>(
    `SELECT DISTINCT other.user_id AS "userId"
     FROM conversation_members me
     JOIN conversation_members other
       ON other.conversation_id = me.conversation_id AND other.left_at IS NULL AND other.user_id <> me.user_id
     WHERE me.user_id = $1 AND me.left_at IS NULL
       AND ($2::uuid[] IS NULL OR other.user_id = ANY($2::uuid[]))
       AND NOT EXISTS (
         SELECT 1 FROM blocks b
         WHERE (b.blocker_id = $1 AND b.blocked_id = other.user_id)
            OR (b.blocker_id = other.user_id AND b.blocked_id = $1))`,
    [userId, among ?? null],
  );
  return rows.map((r) => r.userId);
}

/** Everything needed to decide whether a user may post into a conversation, in one query. */
export interface PostingContext {
  conversationId: string;
  kind: 'direct' | 'group';
  isMember: boolean;
  hidden: boolean;
  /** Direct chats: the other current member. */
  otherId: string | null;
  otherDeleted: boolean;
  /** Direct chats: a block either way between the two. */
  blocked: boolean;
}

/**
 * The SELECT of a PostingContext (its columns, named as the interface names them) for the user
 * `user` and the conversation matched by `where` (SQL over `c`, conversations): for statements
 * that read it along with what they do (a scheduled creation gates its insert on it).
 */
export function postingContextSql(user: string, where: string): string {
  return `SELECT c.id AS "conversationId", c.kind, me.left_at IS NULL AS "isMember", me.hidden_at IS NOT NULL AS hidden,
       other.user_id AS "otherId", COALESCE(ou.deleted_at IS NOT NULL, false) AS "otherDeleted",
       (other.user_id IS NOT NULL AND EXISTS (
          SELECT 1 FROM blocks b
          WHERE (b.blocker_id = ${user} AND b.blocked_id = other.user_id)
             OR (b.blocker_id = other.user_id AND b.blocked_id = ${user}))) AS blocked
     FROM conversations c
     JOIN conversation_members me ON me.conversation_id = c.id AND me.user_id = ${user}
     LEFT JOIN conversation_members other
       ON c.kind = 'direct' AND other.conversation_id = c.id AND other.user_id <> ${user} AND other.left_at IS NULL
     LEFT JOIN users ou ON ou.id = other.user_id
     WHERE ${where}`;
}

export async function selectPostingContext(
  q: Queryable,
  userId: string,
  target: { conversationId: string } | { directKey: string },
): Promise<PostingContext | undefined> {
  const { rows } = await q.query<PostingContext>(
    postingContextSql('$1', 'conversationId' in target ? 'c.id = $2' : 'c.direct_key = $2'),
    [userId, 'conversationId' in target ? target.conversationId : target.directKey],
    { name: 'conversationId' in target ? 'herald_posting_by_id' : 'herald_posting_by_key' },
  );
  return rows[0];
}
