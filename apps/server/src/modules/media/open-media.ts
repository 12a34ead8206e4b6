import type { Readable } from 'node:stream';
import type { ConversationId, MessageId } from '@herald/shared';
import { AppError, notFound } from '../../lib/app-error.js';
import { selectPictureConversation } from '../group-picture/index.js';
import { selectMember } from '../membership/index.js';
import { deleteBlobs, type MediaDeps } from './media-deps.js';
import { anyViewsLeft, countView, selectMediaAccess } from './media.sql.js';
import { selectOpens } from './one-time-opens.js';

export interface OpenedMedia {
  stream: Readable;
  size: number;
  /** Runs after the response: deletes the blob when nobody can fetch it any more. */
  after: () => Promise<void>;
}

/**
 * Opens a blob for a user, or answers 404 (not theirs to see) / 410 (one-time media used up or
 * expired, or deleted). The uploader may fetch their own upload until it is in a message.
 */
export async function openMedia(deps: MediaDeps, userId: string, mediaId: string): Promise<OpenedMedia> {
  const { db, storage, clock } = deps;
  const now = clock.now();
  const row = await selectMediaAccess(db, mediaId);
  if (!row) throw notFound('No such media.');
  let after = async () => {};
  const pictureOf = row.messageId ? undefined : await selectPictureConversation(db, mediaId);
  if (pictureOf) {
    // A group's picture: its current members (the key is in the conversation's sealed envelope).
    const member = await selectMember(db, pictureOf, userId);
    if (!member || member.leftAt) throw notFound('No such media.');
  } else if (!row.messageId || !row.conversationId) {
    if (row.uploaderId !== userId) throw notFound('No such media.');
  } else {
    const member = await selectMember(db, row.conversationId, userId);
    const visible =
      member &&
      !member.leftAt &&
      row.messageCreatedAt! >= member.joinedAt &&
      (!member.historyFrom || row.messageCreatedAt! > member.historyFrom) &&
      (!row.messageExpiresAt || row.messageExpiresAt > now);
    if (!visible) throw notFound('No such media.');
    if (row.isOneTimeMedia) {
      const limit = row.viewLimit ?? 1;
      if (row.senderId === userId) throw new AppError('gone', 'One-time media cannot be reopened by its sender.');
      if (row.deletedAt || (row.mediaExpiresAt && row.mediaExpiresAt <= now)) {
        throw new AppError('gone', 'This one-time media has expired.');
      }
      const views = await countView(db, row.messageId, userId, limit, now);
      if (views === undefined) throw new AppError('gone', 'You have already opened this one-time media.');
      const messageId = row.messageId;
      if (deps.broadcaster && row.senderId) {
        // The sender (only) sees "Opened", live, with who opened it so far.
        const openedBy = (await selectOpens(db, [messageId])).get(messageId) ?? [];
        deps.broadcaster.toUsers([row.senderId], 'media_opened', {
          conversationId: row.conversationId as ConversationId,
          messageId: messageId as MessageId,
          openedBy,
        });
      }
      after = async () => {
        if (!(await anyViewsLeft(db, messageId, limit))) await deleteBlobs(deps, db, [row.id]);
      };
    }
  }
  if (row.deletedAt) throw new AppError('gone', 'This media is no longer available.');
  const stream = await storage.get(row.storageKey);
  if (!stream) throw new AppError('gone', 'This media is no longer available.');
  return { stream, size: Number(row.size), after };
}
