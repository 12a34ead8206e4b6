import type { Conversation } from '@herald/shared';
import type { Db } from '../../db/db.js';
import { AppError, notFound } from '../../lib/app-error.js';
import type { Clock } from '../../lib/clock.js';
import type { ConversationsService } from '../conversations/index.js';
import { attachMedia, selectMedia, type MediaService } from '../media/index.js';
import { requireAdmin, requireMembership, type Membership } from '../membership/index.js';
import { assertAddressedToMembers, checkSealedHeader } from '../messages/index.js';
import { lockPicture, writePicture } from './group-picture.sql.js';

export interface GroupPictureDeps {
  db: Db;
  clock: Clock;
  media: Pick<MediaService, 'deleteBlobs'>;
  conversations: Pick<ConversationsService, 'announceUpdated' | 'get'>;
}

/** Groups only, owners and admins only (the rule of the title: PATCH /api/conversations/:id). */
function requirePictureAdmin(membership: Membership): void {
  if (membership.conversation.kind !== 'group') throw new AppError('invalid_state', 'Direct chats have no picture.');
  requireAdmin(membership);
}

export type GroupPictureService = ReturnType<typeof createGroupPictureService>;

/**
 * A group's picture (issue 13, item 9), end-to-end encrypted: the image is sealed on the device and
 * uploaded like any media; its key goes in an envelope sealed for the current members, which the
 * server checks like a message's (header: this conversation, this sender, kind image; recipients:
 * exactly the current members, else 409 recipients_mismatch). Owners and admins only, like the
 * title; every member hears conversation_updated. A replaced or removed picture's blob is deleted.
 */
export function createGroupPictureService({ db, clock, media, conversations }: GroupPictureDeps) {
  async function set(userId: string, conversationId: string, mediaId: string, content: string): Promise<Conversation> {
    // Everything is checked before anything is written.
    requirePictureAdmin(await requireMembership(db, conversationId, userId));
    const header = checkSealedHeader(content, { conversationId, senderId: userId, kind: 'image' });
    const upload = await selectMedia(db, mediaId);
    if (!upload || upload.uploaderId !== userId || upload.deletedAt) throw notFound('No such media.');
    if (upload.kind !== 'image') {
      throw new AppError('validation_failed', 'A group picture must be an image.', [
        { path: 'mediaId', message: 'must be an image upload' },
      ]);
    }
    const replaced = await db.transaction(async (tx) => {
      const previous = await lockPicture(tx, conversationId);
      // Membership again, inside the transaction: the role or the members may have changed.
      requirePictureAdmin(await requireMembership(tx, conversationId, userId));
      await assertAddressedToMembers(tx, conversationId, header);
      if (!(await attachMedia(tx, mediaId, userId, clock.now()))) {
        throw new AppError('invalid_state', 'This upload is already used; upload the picture again.');
      }
      await writePicture(tx, conversationId, { mediaId, envelope: content, setBy: userId, now: clock.now() });
      return previous;
    });
    // The old picture's blob goes once nothing refers to it any more.
    if (replaced && replaced !== mediaId) await media.deleteBlobs(db, [replaced]);
    await conversations.announceUpdated(conversationId);
    return conversations.get(userId, conversationId);
  }

  async function remove(userId: string, conversationId: string): Promise<Conversation> {
    requirePictureAdmin(await requireMembership(db, conversationId, userId));
    const removed = await db.transaction(async (tx) => {
      const previous = await lockPicture(tx, conversationId);
      requirePictureAdmin(await requireMembership(tx, conversationId, userId));
      if (previous) await writePicture(tx, conversationId, null);
      return previous;
    });
    if (removed) {
      await media.deleteBlobs(db, [removed]);
      await conversations.announceUpdated(conversationId);
    }
    return conversations.get(userId, conversationId);
  }

  return { set, remove };
}
