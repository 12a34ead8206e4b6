import {
  MAX_GROUP_MEMBERS,
  type Conversation,
  type ConversationId,
  type MemberRole,
  type TemporaryTtl,
  type UserId,
} from '@herald/shared';
import type { Queryable } from '../../db/db.js';
import { AppError, notFound } from '../../lib/app-error.js';
import {
  assertMayPost,
  isAdmin,
  requireAdmin,
  requireMembership,
  selectCurrentMembers,
  selectPostingContext,
} from '../membership/index.js';
import { selectUsersByIds, withoutPresence } from '../users/index.js';
import { announceRoleChanged, announceUpdated, viewOne } from './conversation-events.js';
import { selectBlocksInvolving } from './conversation-views.sql.js';
import type { ConversationsDeps } from './conversations-deps.js';
import { insertConversation, updateConversation, updateRole, upsertMembers } from './conversations.sql.js';
import { recordEvent } from './timeline-events.js';

async function assertLiveUsers(q: Queryable, ids: readonly string[]): Promise<void> {
  const rows = await selectUsersByIds(q, ids);
  const live = new Set(rows.filter((r) => !r.deletedAt).map((r) => r.id));
  const missing = ids.filter((id) => !live.has(id));
  if (missing.length) throw new AppError('not_found', 'Some of these users do not exist.', { userIds: missing });
}

function assertGroupSize(members: number): void {
  if (members > MAX_GROUP_MEMBERS) {
    throw new AppError('validation_failed', `A group has at most ${MAX_GROUP_MEMBERS} members.`);
  }
}

/** A new group owned by its creator; every member's devices show it. */
export async function createGroup(
  deps: ConversationsDeps,
  userId: string,
  title: string,
  memberIds: readonly string[],
): Promise<Conversation> {
  const others = [...new Set(memberIds)].filter((id) => id !== userId);
  assertGroupSize(others.length + 1);
  await assertLiveUsers(deps.db, others);
  const now = deps.clock.now();
  const { id, announceEvent } = await deps.db.transaction(async (tx) => {
    const conversationId = await insertConversation(tx, {
      kind: 'group',
      title,
      createdBy: userId,
      directKey: null,
      now,
    });
    const members: { userId: string; role: MemberRole }[] = [
      { userId, role: 'owner' },
      ...others.map((o) => ({ userId: o, role: 'member' as const })),
    ];
    await upsertMembers(tx, conversationId!, members, now);
    const body = { kind: 'group_created' as const, title, userIds: others as UserId[] };
    return { id: conversationId!, announceEvent: await recordEvent(deps, tx, conversationId!, userId, body, now) };
  });
  await announceUpdated(deps, id);
  announceEvent();
  return viewOne(deps, deps.db, userId, id);
}

/** Title (groups, by an admin) and temporary mode (any member of a direct chat; a group's admins). */
export async function updateDetails(
  deps: ConversationsDeps,
  userId: string,
  conversationId: string,
  patch: { title?: string | undefined; temporaryTtlSeconds?: number | null | undefined },
): Promise<Conversation> {
  const membership = await requireMembership(deps.db, conversationId, userId);
  const group = membership.conversation.kind === 'group';
  if (patch.title !== undefined && !group) throw new AppError('validation_failed', 'Direct chats have no title.');
  if (group && !isAdmin(membership.member)) throw new AppError('not_admin');
  // Temporary mode changes what the other member sees: like a message, not across a block.
  if (!group) assertMayPost(await selectPostingContext(deps.db, userId, { conversationId }));
  const before = membership.conversation;
  const now = deps.clock.now();
  const announceEvents = await deps.db.transaction(async (tx) => {
    await updateConversation(tx, conversationId, patch);
    // One line per real change, in the same transaction: a title set to what it was says nothing.
    const later: (() => void)[] = [];
    if (patch.title !== undefined && patch.title !== before.title) {
      const body = { kind: 'title_changed' as const, title: patch.title };
      later.push(await recordEvent(deps, tx, conversationId, userId, body, now));
    }
    const ttl = patch.temporaryTtlSeconds;
    if (ttl !== undefined && ttl !== before.temporaryTtlSeconds) {
      const body = { kind: 'temporary_mode_changed' as const, ttlSeconds: ttl as TemporaryTtl };
      later.push(await recordEvent(deps, tx, conversationId, userId, body, now));
    }
    return later;
  });
  await announceUpdated(deps, conversationId);
  announceEvents.forEach((run) => run());
  return viewOne(deps, deps.db, userId, conversationId);
}

/**
 * Adds people to a group (admins only). Members already there hear `member_joined` (with the
 * newcomer's presence only if they are contacts: no block between them); newcomers get the
 * conversation.
 */
export async function addMembers(
  deps: ConversationsDeps,
  userId: string,
  conversationId: string,
  userIds: readonly string[],
): Promise<Conversation> {
  const { db, broadcaster } = deps;
  requireAdmin(await requireMembership(db, conversationId, userId));
  const wanted = [...new Set(userIds)].filter((id) => id !== userId);
  await assertLiveUsers(db, wanted);
  const current = await selectCurrentMembers(db, [conversationId]);
  assertGroupSize(current.length + wanted.length);
  const now = deps.clock.now();
  const { added, announceEvent } = await db.transaction(async (tx) => {
    const added = await upsertMembers(
      tx,
      conversationId,
      wanted.map((id) => ({ userId: id, role: 'member' })),
      now,
    );
    if (added.length === 0) return { added, announceEvent: () => {} };
    const body = { kind: 'members_added' as const, userIds: added as UserId[] };
    return { added, announceEvent: await recordEvent(deps, tx, conversationId, userId, body, now) };
  });
  if (added.length === 0) return viewOne(deps, db, userId, conversationId);
  // The view is the adder's: members with a block against the newcomer get no presence.
  const view = await viewOne(deps, db, userId, conversationId);
  const recipients = current.map((m) => m.userId);
  const blocks = await selectBlocksInvolving(db, added);
  const blocked = new Set(blocks.flatMap((b) => [`${b.blockerId}>${b.blockedId}`, `${b.blockedId}>${b.blockerId}`]));
  for (const member of view.members.filter((m) => added.includes(m.user.id))) {
    const isContact = (id: string) => !blocked.has(`${member.user.id}>${id}`);
    const event = { conversationId: conversationId as ConversationId, member };
    const hiddenEvent = { ...event, member: { ...member, user: withoutPresence(member.user) } };
    broadcaster.toUsers(recipients.filter(isContact), 'member_joined', event);
    broadcaster.toUsers(
      recipients.filter((id) => !isContact(id)),
      'member_joined',
      hiddenEvent,
    );
  }
  await announceUpdated(deps, conversationId, added);
  announceEvent();
  return viewOne(deps, db, userId, conversationId);
}

/** Promotes or demotes a member (admins; only the owner demotes an admin); everyone is told. */
export async function setRole(
  deps: ConversationsDeps,
  userId: string,
  conversationId: string,
  targetId: string,
  role: 'admin' | 'member',
): Promise<Conversation> {
  const { db } = deps;
  const membership = await requireMembership(db, conversationId, userId);
  requireAdmin(membership);
  const target = (await selectCurrentMembers(db, [conversationId])).find((m) => m.userId === targetId);
  if (!target) throw notFound('That person is not a member.');
  if (target.role === 'owner') throw new AppError('forbidden', "The owner's role cannot be changed.");
  if (role === 'member' && target.role === 'admin' && membership.member.role !== 'owner') {
    throw new AppError('forbidden', 'Only the owner can demote an admin.');
  }
  const announceEvent = await db.transaction(async (tx) => {
    await updateRole(tx, conversationId, targetId, role);
    if (target.role === role) return () => {};
    const body = { kind: 'role_changed' as const, userId: targetId as UserId, role };
    return recordEvent(deps, tx, conversationId, userId, body, deps.clock.now());
  });
  const audience = (await selectCurrentMembers(db, [conversationId])).map((m) => m.userId);
  announceRoleChanged(deps, conversationId, audience, { userId: targetId, role, reason: 'changed' });
  await announceUpdated(deps, conversationId);
  announceEvent();
  return viewOne(deps, db, userId, conversationId);
}
