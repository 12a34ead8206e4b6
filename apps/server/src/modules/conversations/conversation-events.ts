import type { Conversation, ConversationId, MemberRole, UserId } from '@herald/shared';
import type { Queryable } from '../../db/db.js';
import { notFound } from '../../lib/app-error.js';
import { requireMembership } from '../membership/index.js';
import { buildViews } from './conversation-views.js';
import { selectMembersViews, selectMyConversations } from './conversation-views.sql.js';
import type { ConversationsDeps } from './conversations-deps.js';

type ViewDeps = Pick<ConversationsDeps, 'clock' | 'presence'>;
type AnnounceDeps = Pick<ConversationsDeps, 'db' | 'clock' | 'presence' | 'broadcaster'>;

/** One conversation as one current member sees it (404 for anyone else). */
export async function viewOne(
  deps: ViewDeps,
  q: Queryable,
  viewerId: string,
  conversationId: string,
): Promise<Conversation> {
  await requireMembership(q, conversationId, viewerId);
  const rows = await selectMyConversations(q, viewerId, deps.clock.now(), [conversationId]);
  const [view] = await buildViews(q, deps.presence, rows);
  if (!view) throw notFound('No such conversation.');
  return view;
}

/**
 * Sends each current member (or only `userIds` among them) their own view of the conversation:
 * a fixed number of queries for the whole group, not a view built per member.
 */
export async function announceUpdated(
  deps: AnnounceDeps,
  conversationId: string,
  userIds?: readonly string[],
): Promise<void> {
  // Runs after the change committed: a failure here must not turn a done change into an error
  // answer (the caller would retry what already happened). Members who miss the event see the
  // change on their next load of the list, as after a reconnect.
  try {
    const rows = await selectMembersViews(deps.db, conversationId, deps.clock.now(), userIds);
    const views = await buildViews(deps.db, deps.presence, rows);
    rows.forEach((row, i) => deps.broadcaster.toUsers([row.member.userId], 'conversation_updated', views[i]!));
  } catch (error) {
    console.error('conversation_updated not sent', conversationId, error);
  }
}

/**
 * After commit: a chat opened or brought back for `userId` appears on their devices, and a new
 * direct chat on the other person's (`newFor`). Answers `userId`'s view.
 */
export async function announceOpened(
  deps: AnnounceDeps,
  conversationId: string,
  userId: string,
  newFor?: string,
): Promise<Conversation> {
  const conversation = await viewOne(deps, deps.db, userId, conversationId);
  if (newFor) await announceUpdated(deps, conversationId, [newFor]);
  deps.broadcaster.toUsers([userId], 'conversation_updated', conversation);
  return conversation;
}

/** A role changed: every current member's screen follows (and can say who owns the group now). */
export function announceRoleChanged(
  deps: Pick<ConversationsDeps, 'broadcaster'>,
  conversationId: string,
  audience: readonly string[],
  change: { userId: string; role: MemberRole; reason: 'changed' | 'inherited' },
): void {
  deps.broadcaster.toUsers(audience, 'member_role_changed', {
    conversationId: conversationId as ConversationId,
    userId: change.userId as UserId,
    role: change.role,
    reason: change.reason,
  });
}
