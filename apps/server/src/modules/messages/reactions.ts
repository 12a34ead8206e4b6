import type { Message } from '@herald/shared';
import type { Db } from '../../db/db.js';
import { AppError, notFound } from '../../lib/app-error.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import { assertMayPost, requireMembership, selectCurrentMembers, selectPostingContext } from '../membership/index.js';
import { selectMessagesByIds } from './messages.sql.js';
import { deleteReaction, selectReactions, upsertReaction } from './reactions.sql.js';

export interface ReactionDeps {
  db: Db;
  clock: Clock;
  broadcaster: Broadcaster;
}

/** Sets (or, with null, removes) the user's reaction, and tells every current member. */
export async function react(
  { db, clock, broadcaster }: ReactionDeps,
  userId: string,
  messageId: string,
  emoji: string | null,
): Promise<Message['reactions']> {
  const row = await requireVisibleMessage(db, clock.now(), userId, messageId);
  if (row.contentType === 'event') throw new AppError('invalid_state', 'Events in the timeline take no reactions.');
  if (emoji !== null && row.deletedAt) throw new AppError('invalid_state', 'This message was deleted.');
  // A reaction reaches the other member as a message does: not across a block in a direct chat.
  assertMayPost(await selectPostingContext(db, userId, { conversationId: row.conversationId }));
  if (emoji === null) await deleteReaction(db, messageId, userId);
  else await upsertReaction(db, messageId, userId, emoji, clock.now());
  const reactions = (await selectReactions(db, [messageId])).map((r) => ({
    userId: r.userId as Message['senderId'],
    emoji: r.emoji,
  }));
  const audience = (await selectCurrentMembers(db, [row.conversationId])).map((m) => m.userId);
  broadcaster.toUsers(audience, 'reaction_updated', {
    conversationId: row.conversationId as Message['conversationId'],
    messageId: row.id as Message['id'],
    reactions,
  });
  return reactions;
}

/**
 * The message, if the user may see it: a member since before it was sent (and after their "delete
 * chat"), and not expired. Anything else is the same 404 as a message that does not exist.
 */
export async function requireVisibleMessage(db: Db, now: Date, userId: string, messageId: string) {
  const [row] = await selectMessagesByIds(db, [messageId]);
  if (!row) throw notFound('No such message.');
  const { member } = await requireMembership(db, row.conversationId, userId).catch(() => {
    throw notFound('No such message.');
  });
  const visible =
    row.createdAt >= member.joinedAt &&
    (!member.historyFrom || row.createdAt > member.historyFrom) &&
    (!row.expiresAt || row.expiresAt > now);
  if (!visible) throw notFound('No such message.');
  return row;
}
