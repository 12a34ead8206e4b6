import type {
  Conversation,
  ConversationId,
  ConversationMember,
  Message,
  PublicUser,
  TemporaryTtl,
  UserId,
} from '@herald/shared';
import type { Queryable } from '../../db/db.js';
import type { PresenceReader } from '../../lib/presence.js';
import { selectPictures } from '../group-picture/index.js';
import { selectCurrentMembers, type MemberRow } from '../membership/index.js';
import { receiptsFor, selectMessagesByIds, selectReactions, toMessage } from '../messages/index.js';
import { selectUsersByIds, toPublicUser, type UserRow } from '../users/index.js';
import { selectBlocksInvolving, type MemberView } from './conversation-views.sql.js';

/**
 * Conversation views for any set of (conversation, viewer) rows (selectMyConversations: one
 * viewer, many conversations; selectMembersViews: one conversation, every member) with a fixed
 * number of queries whatever their number: the current members of those conversations, their
 * user rows, the blocks involving the viewers, the last messages and their reactions (and one
 * presence look-up). Each viewer gets their own view: unread count, role, last message (with
 * their one-time views), blockedByMe, their pending scheduled count, and presence only for their
 * contacts.
 */
export async function buildViews(
  q: Queryable,
  presence: PresenceReader,
  rows: readonly MemberView[],
): Promise<Conversation[]> {
  if (rows.length === 0) return [];
  const members = await selectCurrentMembers(q, unique(rows.map((r) => r.id)));
  const membersOf = groupBy(members, (m) => m.conversationId);
  const viewerIds = unique(rows.map((r) => r.member.userId));
  const [users, blocks] = await Promise.all([
    selectUsersByIds(q, unique(members.map((m) => m.userId))),
    selectBlocksInvolving(q, viewerIds),
  ]);
  const blocked = new Set(blocks.map((b) => pairKey(b.blockerId, b.blockedId)));
  // Every viewer here is a current member of each conversation it is shown, and so is everyone
  // listed in it: they share it, so they are contacts (selectContactIds) unless a block stands
  // between them, either way.
  const seesPresence = (viewerId: string, userId: string) =>
    viewerId === userId || !(blocked.has(pairKey(viewerId, userId)) || blocked.has(pairKey(userId, viewerId)));
  const visible = users.filter((u) => rows.some((r) => seesPresence(r.member.userId, u.id))).map((u) => u.id);
  const online = visible.length ? await presence.onlineAmong(visible) : new Set<string>();
  const lastMessage = await lastMessagesFor(q, rows, membersOf);
  const pictures = await selectPictures(q, unique(rows.filter((r) => r.kind === 'group').map((r) => r.id)));
  const usersById = new Map(users.map((u) => [u.id, u]));

  return rows.map((row) => {
    const viewerId = row.member.userId;
    const convMembers = membersOf.get(row.id) ?? [];
    const other = row.kind === 'direct' ? convMembers.find((m) => m.userId !== viewerId) : undefined;
    return {
      id: row.id as ConversationId,
      kind: row.kind,
      title: row.title,
      createdBy: row.createdBy as UserId | null,
      createdAt: row.createdAt.toISOString(),
      temporaryTtlSeconds: row.temporaryTtlSeconds as TemporaryTtl,
      members: memberList(convMembers, usersById, (u) =>
        toPublicUser(u, online.has(u.id), seesPresence(viewerId, u.id)),
      ),
      myRole: row.member.role,
      lastMessage: lastMessage(row),
      lastActivityAt: row.state.lastActivityAt.toISOString(),
      unreadCount: row.state.unreadCount,
      blockedByMe: other ? blocked.has(pairKey(viewerId, other.userId)) : false,
      scheduledPendingCount: row.state.scheduledPendingCount,
      mutedUntil: row.state.mutedUntil,
      picture: pictures.get(row.id) ?? null,
    };
  });
}

/** The last message of each row as its viewer sees it (receipts, reactions, their own views). */
async function lastMessagesFor(
  q: Queryable,
  rows: readonly MemberView[],
  membersOf: Map<string, MemberRow[]>,
): Promise<(row: MemberView) => Message | null> {
  const ids = unique(rows.flatMap((r) => (r.state.lastMessageId ? [r.state.lastMessageId] : [])));
  if (ids.length === 0) return () => null;
  const [messages, reactions] = await Promise.all([selectMessagesByIds(q, ids), selectReactions(q, ids)]);
  const byId = new Map(messages.map((m) => [m.id, m]));
  const reactionsOf = groupBy(reactions, (r) => r.messageId);
  return (row) => {
    const message = row.state.lastMessageId ? byId.get(row.state.lastMessageId) : undefined;
    if (!message) return null;
    const receipts = receiptsFor(message, membersOf.get(message.conversationId) ?? []);
    return toMessage(
      message,
      receipts,
      reactionsOf.get(message.id) ?? [],
      row.state.lastMessageMyViews,
      row.member.userId,
    );
  };
}

function memberList(
  members: readonly MemberRow[],
  usersById: ReadonlyMap<string, UserRow>,
  show: (user: UserRow) => PublicUser,
): ConversationMember[] {
  return members.flatMap((m): ConversationMember[] => {
    const user = usersById.get(m.userId);
    return user ? [{ user: show(user), role: m.role, joinedAt: m.joinedAt.toISOString() }] : [];
  });
}

const pairKey = (a: string, b: string) => `${a}>${b}`;

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
