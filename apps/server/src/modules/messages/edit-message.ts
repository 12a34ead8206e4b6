import type { Message } from '@herald/shared';
import type { Db } from '../../db/db.js';
import { AppError } from '../../lib/app-error.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import { assertMayPost, selectPostingContext } from '../membership/index.js';
import { assertOwnMessage, assertWithinWindow, WINDOWS } from './change-rules.js';
import { selectViewers, updateMessageContent } from './edit-delete.sql.js';
import { selectMessagesByIds } from './messages.sql.js';
import { presentMessages } from './present.js';
import { requireVisibleMessage } from './reactions.js';
import { assertAddressedToMembers, checkSealedHeader } from './sealed-content.js';

export interface ChangeDeps {
  db: Db;
  clock: Clock;
  broadcaster: Broadcaster;
}

/**
 * The sender replaces a message's text or caption with a new envelope sealed on their device.
 * Checked exactly like a send (shape, size, header, recipients = the current members, else 409
 * recipients_mismatch), by the sender only (403), within EDIT_WINDOW_SECONDS (409), never on a
 * tombstone (409), and not after the sender left (404: a former member sees no message at all) nor
 * across a block in a direct chat (403, as a send). Last writer wins: only the sender edits, and
 * each edit carries the whole new content, so a repeated or late edit can only leave one of the
 * sender's own versions (docs/api.md). Every current member who sees the message hears
 * `message_updated` with it, once.
 */
export async function editMessage(
  { db, clock, broadcaster }: ChangeDeps,
  userId: string,
  messageId: string,
  content: string,
): Promise<Message> {
  const now = clock.now();
  const row = await requireVisibleMessage(db, now, userId, messageId);
  assertOwnMessage(row, userId);
  if (row.deletedAt) throw new AppError('invalid_state', 'This message was deleted; it cannot be edited.');
  assertWithinWindow(row, now, WINDOWS.edit);
  assertMayPost(await selectPostingContext(db, userId, { conversationId: row.conversationId }));
  const header = checkSealedHeader(content, {
    conversationId: row.conversationId,
    senderId: userId,
    kind: row.contentType,
  });
  await db.transaction(async (tx) => {
    // Before the write, in its transaction: a refused edit changes nothing.
    await assertAddressedToMembers(tx, row.conversationId, header);
    if (!(await updateMessageContent(tx, messageId, content, now))) {
      throw new AppError('invalid_state', 'This message was deleted; it cannot be edited.');
    }
  });
  return announceChange(db, broadcaster, userId, messageId);
}

/** After commit: the message as it is now, to every member who sees it (`message_updated`). */
export async function announceChange(
  db: Db,
  broadcaster: Broadcaster,
  actorId: string,
  messageId: string,
): Promise<Message> {
  const [fresh] = await selectMessagesByIds(db, [messageId]);
  if (!fresh) throw new AppError('not_found', 'No such message.');
  const [message] = await presentMessages(db, [fresh], actorId);
  // One-time opens are per viewer: an event carries none (as receive_message does).
  broadcaster.toUsers(await selectViewers(db, fresh), 'message_updated', { ...message!, myViews: 0 });
  return message!;
}
