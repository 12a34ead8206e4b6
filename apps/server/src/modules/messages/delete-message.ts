import type { Message } from '@herald/shared';
import type { MediaService } from '../media/index.js';
import { assertOwnMessage, assertWithinWindow, WINDOWS } from './change-rules.js';
import { insertHide, tombstoneMessage } from './edit-delete.sql.js';
import { announceChange, type ChangeDeps } from './edit-message.js';
import { presentMessages } from './present.js';
import { requireVisibleMessage } from './reactions.js';

export interface DeleteDeps extends ChangeDeps {
  media: MediaService;
}

/**
 * "Delete for everyone": the sender only (403), within DELETE_FOR_EVERYONE_WINDOW_SECONDS (409).
 * The row becomes a tombstone (edit-delete.sql.ts: content wiped, media detached, reactions and
 * views gone) and keeps its place; its media blob is deleted after commit, so nobody can fetch it
 * again. Deleting a tombstone again answers it as it is, and tells nobody (a retried request).
 * Every current member who sees the message hears `message_updated` with the tombstone.
 */
export async function deleteForEveryone(deps: DeleteDeps, userId: string, messageId: string): Promise<Message> {
  const { db, clock, broadcaster, media } = deps;
  const now = clock.now();
  const row = await requireVisibleMessage(db, now, userId, messageId);
  assertOwnMessage(row, userId);
  if (row.deletedAt) return (await presentMessages(db, [row], userId))[0]!;
  assertWithinWindow(row, now, WINDOWS.deleteForEveryone);
  const wiped = await db.transaction((tx) => tombstoneMessage(tx, messageId, now));
  if (wiped?.mediaId) await media.deleteBlobs(db, [wiped.mediaId]);
  if (!wiped) {
    // Deleted by a concurrent request of the sender's: that request announced it.
    const again = await requireVisibleMessage(db, now, userId, messageId);
    return (await presentMessages(db, [again], userId))[0]!;
  }
  return announceChange(db, broadcaster, userId, messageId);
}

/**
 * "Delete for me": any message the member sees (theirs or not, a tombstone too), at any time. A
 * per-user hide: gone from their pages, last message and unread count, on all their devices
 * (`message_deleted` to them only); nobody else is told.
 */
export async function deleteForMe(
  { db, clock, broadcaster }: ChangeDeps,
  userId: string,
  messageId: string,
): Promise<void> {
  const now = clock.now();
  const row = await requireVisibleMessage(db, now, userId, messageId);
  await insertHide(db, userId, messageId, now);
  broadcaster.toUsers([userId], 'message_deleted', {
    conversationId: row.conversationId as Message['conversationId'],
    messageIds: [row.id as Message['id']],
  });
}
