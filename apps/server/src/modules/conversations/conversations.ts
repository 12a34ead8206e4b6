import type {
  Conversation,
  ConversationId,
  ConversationMember,
  MemberRole,
  TemporaryTtl,
  UserId,
} from '@herald/shared';
import { MAX_GROUP_MEMBERS } from '@herald/shared';
import type { Db, Queryable, Tx } from '../../db/db.js';
import type { AccountDeletionStep } from '../auth/index.js';
import { AppError, notFound } from '../../lib/app-error.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import type { MembershipEndedStep, MembershipEndReason } from '../membership/index.js';
import type { PresenceReader } from '../../lib/presence.js';
import { isBlockedEitherWay, selectBlockedIds } from '../blocks/index.js';
import {
  directKey,
  isAdmin,
  requireAdmin,
  requireMembership,
  selectContactIds,
  selectCurrentMembers,
} from '../membership/index.js';
import { selectMessagesByIds, type MessagesService } from '../messages/index.js';
import { selectUsersByIds, toPublicUsers, withoutPresence } from '../users/index.js';
import {
  hideConversation,
  insertConversation,
  markMemberLeft,
  selectDirectByKey,
  selectGroupIdsOf,
  selectMyConversations,
  unhideConversation,
  type ConversationWithMember,
  updateConversation,
  updateRole,
  upsertMembers,
} from './conversations.sql.js';

export interface ConversationsDeps {
  db: Db;
  clock: Clock;
  broadcaster: Broadcaster;
  presence: PresenceReader;
  messages: MessagesService;
  membershipEndedSteps: MembershipEndedStep[];
  /** My pending scheduled messages per conversation (the scheduling module answers). */
  countPendingScheduled: (userId: string, conversationIds: readonly string[]) => Promise<Map<string, number>>;
}

export type ConversationsService = ReturnType<typeof createConversationsService>;

export function createConversationsService(deps: ConversationsDeps) {
  const { db, clock, broadcaster } = deps;

  /** Conversations as one user sees them: their unread count, role, visible last message. */
  async function views(
    q: Queryable,
    viewerId: string,
    items: readonly ConversationWithMember[],
  ): Promise<Conversation[]> {
    if (items.length === 0) return [];
    const ids = items.map((i) => i.id);
    const members = await selectCurrentMembers(q, ids);
    const users = new Map(
      (
        await toPublicUsers(
          q,
          viewerId,
          await selectUsersByIds(q, [...new Set(members.map((m) => m.userId))]),
          deps.presence,
        )
      ).map((u) => [u.id as string, u]),
    );
    const lastIds = items.flatMap((i) => (i.state.lastMessageId ? [i.state.lastMessageId] : []));
    const lastMessages = new Map(
      (await deps.messages.present(q, await selectMessagesByIds(q, lastIds), viewerId)).map((m) => [
        m.conversationId as string,
        m,
      ]),
    );
    const blocked = new Set(await selectBlockedIds(q, viewerId));
    const pending = await deps.countPendingScheduled(viewerId, ids);

    return items.map(({ member: me, state, ...c }) => {
      const convMembers = members.filter((m) => m.conversationId === c.id);
      const other = c.kind === 'direct' ? convMembers.find((m) => m.userId !== viewerId) : undefined;
      return {
        id: c.id as ConversationId,
        kind: c.kind,
        title: c.title,
        createdBy: c.createdBy as UserId | null,
        createdAt: c.createdAt.toISOString(),
        temporaryTtlSeconds: c.temporaryTtlSeconds as TemporaryTtl,
        members: convMembers.flatMap((m): ConversationMember[] => {
          const user = users.get(m.userId);
          return user ? [{ user, role: m.role, joinedAt: m.joinedAt.toISOString() }] : [];
        }),
        myRole: me.role,
        lastMessage: lastMessages.get(c.id) ?? null,
        lastActivityAt: state.lastActivityAt.toISOString(),
        unreadCount: state.unreadCount,
        blockedByMe: other ? blocked.has(other.userId) : false,
        scheduledPendingCount: pending.get(c.id) ?? 0,
      };
    });
  }

  async function viewOne(q: Queryable, viewerId: string, conversationId: string): Promise<Conversation> {
    await requireMembership(q, conversationId, viewerId);
    const [item] = await selectMyConversations(q, viewerId, clock.now(), [conversationId]);
    if (!item) throw notFound('No such conversation.');
    return (await views(q, viewerId, [item]))[0]!;
  }

  /** Sends each current member their own view of the conversation. */
  async function announceUpdated(conversationId: string, extraUserIds: readonly string[] = []): Promise<void> {
    const members = await selectCurrentMembers(db, [conversationId]);
    for (const userId of new Set([...members.map((m) => m.userId), ...extraUserIds])) {
      const view = await viewOne(db, userId, conversationId).catch(() => undefined);
      if (view) broadcaster.toUsers([userId], 'conversation_updated', view);
    }
  }

  /** A role changed: every current member's screen follows (and can say who owns the group now). */
  function announceRoleChanged(
    conversationId: string,
    audience: readonly string[],
    userId: string,
    role: MemberRole,
    reason: 'changed' | 'inherited',
  ): void {
    broadcaster.toUsers(audience, 'member_role_changed', {
      conversationId: conversationId as ConversationId,
      userId: userId as UserId,
      role,
      reason,
    });
  }

  async function runMembershipEnded(
    tx: Tx,
    conversationId: string,
    userId: string,
    reason: MembershipEndReason,
    now: Date,
  ): Promise<(() => void)[]> {
    const later: (() => void)[] = [];
    for (const step of deps.membershipEndedSteps) {
      const after = await step(tx, { conversationId, userId, reason, now });
      if (after) later.push(after);
    }
    return later;
  }

  /** Removes someone from a group (they left, were removed, or deleted their account). */
  async function endGroupMembership(
    tx: Tx,
    conversationId: string,
    userId: string,
    reason: 'left' | 'removed' | 'account_deleted',
    now: Date,
  ): Promise<(() => void)[]> {
    if (!(await markMemberLeft(tx, conversationId, userId, reason, now))) return [];
    // A group keeps an owner: the oldest admin, else the oldest member, inherits it.
    const remaining = await selectCurrentMembers(tx, [conversationId]);
    let heir: string | undefined;
    if (remaining.length > 0 && !remaining.some((m) => m.role === 'owner')) {
      heir = (remaining.find((m) => m.role === 'admin') ?? remaining[0]!).userId;
      await updateRole(tx, conversationId, heir, 'owner');
    }
    const later = reason === 'account_deleted' ? [] : await runMembershipEnded(tx, conversationId, userId, reason, now);
    later.push(() => {
      broadcaster.toUsers(
        remaining.map((m) => m.userId),
        'member_left',
        { conversationId: conversationId as ConversationId, userId: userId as UserId, reason },
      );
      // Everyone learns who owns the group now, without reloading.
      if (heir)
        announceRoleChanged(
          conversationId,
          remaining.map((m) => m.userId),
          heir,
          'owner',
          'inherited',
        );
      if (reason !== 'account_deleted') {
        broadcaster.toUsers([userId], 'conversation_removed', {
          conversationId: conversationId as ConversationId,
          reason: reason === 'left' ? 'left' : 'removed',
        });
      }
    });
    return later;
  }

  async function assertLiveUsers(q: Queryable, ids: readonly string[]): Promise<void> {
    const rows = await selectUsersByIds(q, ids);
    const live = new Set(rows.filter((r) => !r.deletedAt).map((r) => r.id));
    const missing = ids.filter((id) => !live.has(id));
    if (missing.length) throw new AppError('not_found', 'Some of these users do not exist.', { userIds: missing });
  }

  return {
    views,
    viewOne,
    announceUpdated,

    async list(userId: string): Promise<Conversation[]> {
      return views(db, userId, await selectMyConversations(db, userId, clock.now()));
    },

    /** Refuses a direct chat that could not be opened (no such live user, a block), reading only. */
    async assertMayOpenDirect(q: Queryable, userId: string, otherId: string): Promise<void> {
      if (otherId === userId) throw new AppError('validation_failed', 'A direct chat needs another person.');
      const [other] = await selectUsersByIds(q, [otherId]);
      if (!other || other.deletedAt) throw notFound('No such user.');
      if (await isBlockedEitherWay(q, userId, otherId)) throw new AppError('recipient_unavailable');
    },

    /**
     * Inside the caller's transaction: the direct chat between the two, created if needed, else
     * brought back for `userId` if they had deleted it. Call `announceDirectOpened` after commit.
     */
    async openDirectIn(
      tx: Tx,
      userId: string,
      otherId: string,
      now: Date,
    ): Promise<{ conversationId: string; created: boolean }> {
      const key = directKey(userId, otherId);
      const id = await insertConversation(tx, { kind: 'direct', title: null, createdBy: userId, directKey: key, now });
      if (id) {
        await upsertMembers(
          tx,
          id,
          [
            { userId, role: 'member' },
            { userId: otherId, role: 'member' },
          ],
          now,
        );
        return { conversationId: id, created: true };
      }
      const existing = await selectDirectByKey(tx, key);
      if (!existing) throw new Error('direct conversation vanished');
      await unhideConversation(tx, existing, userId);
      return { conversationId: existing, created: false };
    },

    /**
     * After commit: a chat opened or brought back for `userId` appears on their devices, and a new
     * direct chat on the other person's (`newFor`).
     */
    async announceOpened(conversationId: string, userId: string, newFor?: string): Promise<Conversation> {
      const conversation = await viewOne(db, userId, conversationId);
      if (newFor) broadcaster.toUsers([newFor], 'conversation_updated', await viewOne(db, newFor, conversationId));
      broadcaster.toUsers([userId], 'conversation_updated', conversation);
      return conversation;
    },

    /** The direct chat with someone: created if needed (201), else the existing one, unhidden. */
    async openDirect(userId: string, otherId: string): Promise<{ conversation: Conversation; created: boolean }> {
      await this.assertMayOpenDirect(db, userId, otherId);
      const now = clock.now();
      const { conversationId, created } = await db.transaction((tx) => this.openDirectIn(tx, userId, otherId, now));
      const conversation = await this.announceOpened(conversationId, userId, created ? otherId : undefined);
      return { conversation, created };
    },

    async createGroup(userId: string, title: string, memberIds: readonly string[]): Promise<Conversation> {
      const others = [...new Set(memberIds)].filter((id) => id !== userId);
      if (others.length + 1 > MAX_GROUP_MEMBERS) {
        throw new AppError('validation_failed', `A group has at most ${MAX_GROUP_MEMBERS} members.`);
      }
      await assertLiveUsers(db, others);
      const now = clock.now();
      const id = await db.transaction(async (tx) => {
        const conversationId = await insertConversation(tx, {
          kind: 'group',
          title,
          createdBy: userId,
          directKey: null,
          now,
        });
        await upsertMembers(
          tx,
          conversationId!,
          [
            { userId, role: 'owner' },
            ...others.map((o): { userId: string; role: MemberRole } => ({ userId: o, role: 'member' })),
          ],
          now,
        );
        return conversationId!;
      });
      await announceUpdated(id);
      return viewOne(db, userId, id);
    },

    get: (userId: string, conversationId: string) => viewOne(db, userId, conversationId),

    async update(
      userId: string,
      conversationId: string,
      patch: { title?: string | undefined; temporaryTtlSeconds?: number | null | undefined },
    ): Promise<Conversation> {
      const membership = await requireMembership(db, conversationId, userId);
      const group = membership.conversation.kind === 'group';
      if (patch.title !== undefined && !group) throw new AppError('validation_failed', 'Direct chats have no title.');
      if (group && !isAdmin(membership.member)) throw new AppError('not_admin');
      await updateConversation(db, conversationId, patch);
      await announceUpdated(conversationId);
      return viewOne(db, userId, conversationId);
    },

    async addMembers(userId: string, conversationId: string, userIds: readonly string[]): Promise<Conversation> {
      const membership = await requireMembership(db, conversationId, userId);
      requireAdmin(membership);
      const wanted = [...new Set(userIds)].filter((id) => id !== userId);
      await assertLiveUsers(db, wanted);
      const current = await selectCurrentMembers(db, [conversationId]);
      if (current.length + wanted.length > MAX_GROUP_MEMBERS) {
        throw new AppError('validation_failed', `A group has at most ${MAX_GROUP_MEMBERS} members.`);
      }
      const now = clock.now();
      const added = await db.transaction((tx) =>
        upsertMembers(
          tx,
          conversationId,
          wanted.map((id) => ({ userId: id, role: 'member' })),
          now,
        ),
      );
      if (added.length) {
        const view = await viewOne(db, userId, conversationId);
        for (const member of view.members.filter((m) => added.includes(m.user.id))) {
          // The view is the adder's: members with a block against the newcomer get no presence.
          const recipients = current.map((m) => m.userId);
          const contacts = new Set(await selectContactIds(db, member.user.id, recipients));
          const event = { conversationId: conversationId as ConversationId, member };
          const hiddenEvent = { ...event, member: { ...member, user: withoutPresence(member.user) } };
          broadcaster.toUsers(
            recipients.filter((id) => contacts.has(id)),
            'member_joined',
            event,
          );
          broadcaster.toUsers(
            recipients.filter((id) => !contacts.has(id)),
            'member_joined',
            hiddenEvent,
          );
        }
        for (const id of added)
          broadcaster.toUsers([id], 'conversation_updated', await viewOne(db, id, conversationId));
      }
      return viewOne(db, userId, conversationId);
    },

    async removeMember(userId: string, conversationId: string, targetId: string): Promise<void> {
      if (targetId === userId) {
        await this.leave(userId, conversationId);
        return;
      }
      const membership = await requireMembership(db, conversationId, userId);
      requireAdmin(membership);
      const target = (await selectCurrentMembers(db, [conversationId])).find((m) => m.userId === targetId);
      if (!target) throw notFound('That person is not a member.');
      if (target.role === 'owner') throw new AppError('forbidden', 'The owner cannot be removed.');
      if (target.role === 'admin' && membership.member.role !== 'owner') {
        throw new AppError('forbidden', 'Only the owner can remove an admin.');
      }
      const now = clock.now();
      const later = await db.transaction((tx) => endGroupMembership(tx, conversationId, targetId, 'removed', now));
      for (const run of later) run();
    },

    async setRole(
      userId: string,
      conversationId: string,
      targetId: string,
      role: 'admin' | 'member',
    ): Promise<Conversation> {
      const membership = await requireMembership(db, conversationId, userId);
      requireAdmin(membership);
      const target = (await selectCurrentMembers(db, [conversationId])).find((m) => m.userId === targetId);
      if (!target) throw notFound('That person is not a member.');
      if (target.role === 'owner') throw new AppError('forbidden', "The owner's role cannot be changed.");
      if (role === 'member' && target.role === 'admin' && membership.member.role !== 'owner') {
        throw new AppError('forbidden', 'Only the owner can demote an admin.');
      }
      await updateRole(db, conversationId, targetId, role);
      announceRoleChanged(
        conversationId,
        (await selectCurrentMembers(db, [conversationId])).map((m) => m.userId),
        targetId,
        role,
        'changed',
      );
      await announceUpdated(conversationId);
      return viewOne(db, userId, conversationId);
    },

    async leave(userId: string, conversationId: string): Promise<void> {
      const membership = await requireMembership(db, conversationId, userId);
      if (membership.conversation.kind !== 'group') {
        throw new AppError('invalid_state', 'You cannot leave a direct chat; delete it instead.');
      }
      const now = clock.now();
      const later = await db.transaction((tx) => endGroupMembership(tx, conversationId, userId, 'left', now));
      for (const run of later) run();
    },

    /** Brings back, in the caller's transaction, a chat the user had deleted (its old history stays hidden). */
    async unhideIn(tx: Tx, userId: string, conversationId: string): Promise<void> {
      await unhideConversation(tx, conversationId, userId);
    },

    /** "Delete chat": hidden with its history, for me only; my pending scheduled messages there fail. */
    async deleteForMe(userId: string, conversationId: string): Promise<void> {
      await requireMembership(db, conversationId, userId);
      const now = clock.now();
      const later = await db.transaction(async (tx) => {
        await hideConversation(tx, conversationId, userId, now);
        return runMembershipEnded(tx, conversationId, userId, 'deleted_chat', now);
      });
      broadcaster.toUsers([userId], 'conversation_removed', {
        conversationId: conversationId as ConversationId,
        reason: 'deleted',
      });
      for (const run of later) run();
    },

    /** Account deletion: leave every group; direct chats keep the history, shown as a deleted account. */
    accountDeletionStep: (async (tx, userId, now) => {
      const later: (() => void)[] = [];
      for (const id of await selectGroupIdsOf(tx, userId)) {
        later.push(...(await endGroupMembership(tx, id, userId, 'account_deleted', now)));
      }
      return () => later.forEach((run) => run());
    }) satisfies AccountDeletionStep,
  };
}
