import type { ConversationId, UserId } from '@herald/shared';
import type { Tx } from '../../db/db.js';
import { AppError, notFound } from '../../lib/app-error.js';
import type { AccountDeletionStep } from '../auth/index.js';
import {
  requireAdmin,
  requireMembership,
  selectCurrentMembers,
  type MembershipEndReason,
} from '../membership/index.js';
import { announceRoleChanged } from './conversation-events.js';
import type { ConversationsDeps } from './conversations-deps.js';
import { hideConversation, markMemberLeft, selectGroupIdsOf, updateRole } from './conversations.sql.js';
import { recordEvent } from './timeline-events.js';

type After = () => void;

/** Other modules' steps for a membership that ended (scheduling fails pending messages there). */
async function runMembershipEnded(
  deps: ConversationsDeps,
  tx: Tx,
  change: { conversationId: string; userId: string; reason: MembershipEndReason; now: Date },
): Promise<After[]> {
  const later: After[] = [];
  for (const step of deps.membershipEndedSteps) {
    const after = await step(tx, change);
    if (after) later.push(after);
  }
  return later;
}

/**
 * Removes someone from a group (they left, were removed by `actorId`, or deleted their account),
 * with its timeline events ("X left", "Ana removed X", "X's account was deleted", "Y is now the
 * owner") in the same transaction.
 */
async function endGroupMembership(
  deps: ConversationsDeps,
  tx: Tx,
  conversationId: string,
  userId: string,
  reason: 'left' | 'removed' | 'account_deleted',
  now: Date,
  actorId: string = userId,
): Promise<After[]> {
  if (!(await markMemberLeft(tx, conversationId, userId, reason, now))) return [];
  // A group keeps an owner: the oldest admin, else the oldest member, inherits it.
  const remaining = await selectCurrentMembers(tx, [conversationId]);
  let heir: string | undefined;
  if (remaining.length > 0 && !remaining.some((m) => m.role === 'owner')) {
    heir = (remaining.find((m) => m.role === 'admin') ?? remaining[0]!).userId;
    await updateRole(tx, conversationId, heir, 'owner');
  }
  const events: After[] = [];
  if (remaining.length > 0) {
    const body =
      reason === 'removed'
        ? { kind: 'member_removed' as const, userId: userId as UserId }
        : { kind: reason === 'left' ? ('member_left' as const) : ('member_gone' as const) };
    events.push(await recordEvent(deps, tx, conversationId, actorId, body, now));
    if (heir) {
      const inherited = { kind: 'owner_inherited' as const, userId: heir as UserId };
      events.push(await recordEvent(deps, tx, conversationId, userId, inherited, now));
    }
  }
  const later =
    reason === 'account_deleted' ? [] : await runMembershipEnded(deps, tx, { conversationId, userId, reason, now });
  const audience = remaining.map((m) => m.userId);
  later.push(() => {
    deps.broadcaster.toUsers(audience, 'member_left', {
      conversationId: conversationId as ConversationId,
      userId: userId as UserId,
      reason,
    });
    // Everyone learns who owns the group now, without reloading.
    if (heir) announceRoleChanged(deps, conversationId, audience, { userId: heir, role: 'owner', reason: 'inherited' });
    if (reason !== 'account_deleted') {
      deps.broadcaster.toUsers([userId], 'conversation_removed', {
        conversationId: conversationId as ConversationId,
        reason: reason === 'left' ? 'left' : 'removed',
      });
    }
    events.forEach((run) => run());
  });
  return later;
}

/** An admin removes a member (only the owner removes an admin; nobody removes the owner). */
export async function removeMember(
  deps: ConversationsDeps,
  userId: string,
  conversationId: string,
  targetId: string,
): Promise<void> {
  if (targetId === userId) return leave(deps, userId, conversationId);
  const membership = await requireMembership(deps.db, conversationId, userId);
  requireAdmin(membership);
  const target = (await selectCurrentMembers(deps.db, [conversationId])).find((m) => m.userId === targetId);
  if (!target) throw notFound('That person is not a member.');
  if (target.role === 'owner') throw new AppError('forbidden', 'The owner cannot be removed.');
  if (target.role === 'admin' && membership.member.role !== 'owner') {
    throw new AppError('forbidden', 'Only the owner can remove an admin.');
  }
  const now = deps.clock.now();
  const later = await deps.db.transaction((tx) =>
    endGroupMembership(deps, tx, conversationId, targetId, 'removed', now, userId),
  );
  for (const run of later) run();
}

export async function leave(deps: ConversationsDeps, userId: string, conversationId: string): Promise<void> {
  const membership = await requireMembership(deps.db, conversationId, userId);
  if (membership.conversation.kind !== 'group') {
    throw new AppError('invalid_state', 'You cannot leave a direct chat; delete it instead.');
  }
  const now = deps.clock.now();
  const later = await deps.db.transaction((tx) => endGroupMembership(deps, tx, conversationId, userId, 'left', now));
  for (const run of later) run();
}

/** "Delete chat": hidden with its history, for me only; my pending scheduled messages there fail. */
export async function deleteForMe(deps: ConversationsDeps, userId: string, conversationId: string): Promise<void> {
  await requireMembership(deps.db, conversationId, userId);
  const now = deps.clock.now();
  const later = await deps.db.transaction(async (tx) => {
    await hideConversation(tx, conversationId, userId, now);
    return runMembershipEnded(deps, tx, { conversationId, userId, reason: 'deleted_chat', now });
  });
  deps.broadcaster.toUsers([userId], 'conversation_removed', {
    conversationId: conversationId as ConversationId,
    reason: 'deleted',
  });
  for (const run of later) run();
}

/** Account deletion: leave every group; direct chats keep the history, shown as a deleted account. */
export function leaveGroupsOnAccountDeleted(deps: ConversationsDeps): AccountDeletionStep {
  return async (tx, userId, now) => {
    const later: After[] = [];
    for (const id of await selectGroupIdsOf(tx, userId)) {
      later.push(...(await endGroupMembership(deps, tx, id, userId, 'account_deleted', now)));
    }
    return () => later.forEach((run) => run());
  };
}
