import type { Conversation } from '@herald/shared';
import type { Queryable, Tx } from '../../db/db.js';
import { directKey } from '../membership/index.js';
import { announceOpened, announceUpdated, viewOne } from './conversation-events.js';
import { buildViews } from './conversation-views.js';
import { selectMyConversations } from './conversation-views.sql.js';
import type { ConversationsDeps } from './conversations-deps.js';
import { selectDirectByKey, unhideConversation } from './conversations.sql.js';
import { assertMayOpenDirect, openDirect, openDirectIn } from './direct-chats.js';
import { addMembers, createGroup, setRole, updateDetails } from './groups.js';
import { deleteForMe, leave, leaveGroupsOnAccountDeleted, removeMember } from './membership-changes.js';
import { setMute } from './mute.js';

export type { ConversationsDeps } from './conversations-deps.js';

export type ConversationsService = ReturnType<typeof createConversationsService>;

/**
 * The conversations use-cases (direct-chats.ts, groups.ts, membership-changes.ts, views and their
 * announcements in conversation-events.ts) bound to this app's dependencies.
 */
export function createConversationsService(deps: ConversationsDeps) {
  const { db } = deps;
  return {
    viewOne: (q: Queryable, viewerId: string, conversationId: string) => viewOne(deps, q, viewerId, conversationId),
    /** Sends each current member their own view of the conversation. */
    announceUpdated: (conversationId: string) => announceUpdated(deps, conversationId),
    announceOpened: (conversationId: string, userId: string, newFor?: string) =>
      announceOpened(deps, conversationId, userId, newFor),
    /** A block between two people changed: their direct chat, if they have one, shows it. */
    async announceBlockChanged(userId: string, otherId: string): Promise<void> {
      const conversationId = await selectDirectByKey(db, directKey(userId, otherId));
      if (conversationId) await announceUpdated(deps, conversationId);
    },

    async list(userId: string): Promise<Conversation[]> {
      return buildViews(db, deps.presence, await selectMyConversations(db, userId, deps.clock.now()));
    },
    get: (userId: string, conversationId: string) => viewOne(deps, db, userId, conversationId),

    assertMayOpenDirect,
    openDirectIn,
    openDirect: (userId: string, otherId: string) => openDirect(deps, userId, otherId),
    createGroup: (userId: string, title: string, memberIds: readonly string[]) =>
      createGroup(deps, userId, title, memberIds),
    update: (
      userId: string,
      conversationId: string,
      patch: { title?: string | undefined; temporaryTtlSeconds?: number | null | undefined },
    ) => updateDetails(deps, userId, conversationId, patch),
    addMembers: (userId: string, conversationId: string, userIds: readonly string[]) =>
      addMembers(deps, userId, conversationId, userIds),
    removeMember: (userId: string, conversationId: string, targetId: string) =>
      removeMember(deps, userId, conversationId, targetId),
    setRole: (userId: string, conversationId: string, targetId: string, role: 'admin' | 'member') =>
      setRole(deps, userId, conversationId, targetId, role),
    leave: (userId: string, conversationId: string) => leave(deps, userId, conversationId),
    deleteForMe: (userId: string, conversationId: string) => deleteForMe(deps, userId, conversationId),
    /** Mutes (until an instant, 'forever') or unmutes (null) my notifications for a chat. */
    setMute: (userId: string, conversationId: string, until: string | null) =>
      setMute(deps, userId, conversationId, until),

    /** Brings back, in the caller's transaction, a chat the user had deleted (its old history stays hidden). */
    unhideIn: (tx: Tx, userId: string, conversationId: string) => unhideConversation(tx, conversationId, userId),

    accountDeletionStep: leaveGroupsOnAccountDeleted(deps),
  };
}
