import { randomBytes } from 'node:crypto';
import type { PublicUser } from '@herald/shared';
import type { Db } from '../../db/db.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import { notFound } from '../../lib/app-error.js';
import type { AccountDeletionStep } from '../auth/index.js';
import { selectKeyAudience } from '../keys/index.js';
import { toPublicUser, type UserRow } from '../users/index.js';
import { deleteAvatar, selectAvatar, upsertAvatar, type AvatarRow } from './avatars.sql.js';
import { checkAvatarImage } from './image-check.js';

export interface AvatarsDeps {
  db: Db;
  clock: Clock;
  broadcaster: Broadcaster;
}

export interface AvatarsService {
  /** Sets or replaces the user's avatar from the uploaded bytes (checked: image-check.ts). */
  set(userId: string, bytes: Buffer): Promise<PublicUser>;
  remove(userId: string): Promise<PublicUser>;
  /** A user's avatar, for anyone signed in (the rule of GET /api/users/:id); 404 when none. */
  open(userId: string): Promise<AvatarRow>;
  /** Account deletion removes the picture in the deletion's transaction. */
  accountDeletionStep: AccountDeletionStep;
}

/**
 * Account avatars: public profile data, stored in clear (migration 0010 explains why). After a
 * change, the user's devices and everyone sharing a conversation with them get `user_updated`
 * (the audience of `user_keys_changed`), without presence.
 */
export function createAvatarsService({ db, clock, broadcaster }: AvatarsDeps): AvatarsService {
  async function announce(userId: string, row: UserRow): Promise<PublicUser> {
    const audience = await selectKeyAudience(db, userId);
    const user = toPublicUser(row, false, false);
    broadcaster.toUsers(audience, 'user_updated', user);
    return toPublicUser(row, true);
  }

  return {
    async set(userId, bytes) {
      const contentType = checkAvatarImage(bytes);
      const version = randomBytes(12).toString('base64url');
      const row = await db.transaction((tx) => upsertAvatar(tx, userId, { contentType, bytes, version }, clock.now()));
      if (!row) throw notFound('No such user.');
      return announce(userId, row);
    },

    async remove(userId) {
      const row = await db.transaction((tx) => deleteAvatar(tx, userId));
      if (!row || row.deletedAt) throw notFound('No such user.');
      return announce(userId, row);
    },

    async open(userId) {
      const avatar = await selectAvatar(db, userId);
      if (!avatar) throw notFound('No such picture.');
      return { ...avatar, bytes: Buffer.from(avatar.bytes) };
    },

    accountDeletionStep: async (tx, userId) => {
      await deleteAvatar(tx, userId);
    },
  };
}
