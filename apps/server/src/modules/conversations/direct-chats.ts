import type { Conversation } from '@herald/shared';
import type { Queryable, Tx } from '../../db/db.js';
import { AppError, notFound } from '../../lib/app-error.js';
import { isBlockedEitherWay } from '../blocks/index.js';
import { directKey } from '../membership/index.js';
import { selectUsersByIds } from '../users/index.js';
import { announceOpened } from './conversation-events.js';
import type { ConversationsDeps } from './conversations-deps.js';
import {
  insertConversation,
  markAwaitingFirstMessage,
  selectDirectByKey,
  unhideConversation,
  upsertMembers,
} from './conversations.sql.js';

/** Refuses a direct chat that could not be opened (no such live user, a block), reading only. */
export async function assertMayOpenDirect(q: Queryable, userId: string, otherId: string): Promise<void> {
  if (otherId === userId) throw new AppError('validation_failed', 'A direct chat needs another person.');
  const [other] = await selectUsersByIds(q, [otherId]);
  if (!other || other.deletedAt) throw notFound('No such user.');
  if (await isBlockedEitherWay(q, userId, otherId)) throw new AppError('recipient_unavailable');
}

/**
 * Inside the caller's transaction: the direct chat between the two, created if needed, else
 * brought back for `userId` if they had deleted it. Call `announceOpened` after commit.
 */
export async function openDirectIn(
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
    // The other person sees the chat with its first message, not when I merely open it.
    await markAwaitingFirstMessage(tx, id, otherId);
    return { conversationId: id, created: true };
  }
  const existing = await selectDirectByKey(tx, key);
  if (!existing) throw new Error('direct conversation vanished');
  await unhideConversation(tx, existing, userId);
  return { conversationId: existing, created: false };
}

/** The direct chat with someone: created if needed (201), else the existing one, unhidden. */
export async function openDirect(
  deps: ConversationsDeps,
  userId: string,
  otherId: string,
): Promise<{ conversation: Conversation; created: boolean }> {
  await assertMayOpenDirect(deps.db, userId, otherId);
  const now = deps.clock.now();
  const { conversationId, created } = await deps.db.transaction((tx) => openDirectIn(tx, userId, otherId, now));
  const conversation = await announceOpened(deps, conversationId, userId, created ? otherId : undefined);
  return { conversation, created };
}
