import type { ConversationId, ConversationKeys, PublicKeysView, UserId, UserKeys } from '@herald/shared';
import type { Db } from '../../db/db.js';
import { notFound } from '../../lib/app-error.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import { requireMembership } from '../membership/index.js';
import { selectKeyAudience, selectMemberKeys, selectPublicKeys, updateKeys, type PublicKeysRow } from './keys.sql.js';

export interface KeysDeps {
  db: Db;
  clock: Clock;
  broadcaster: Broadcaster;
}

export function toPublicKeysView(row: PublicKeysRow): PublicKeysView {
  return {
    userId: row.userId as UserId,
    x25519PublicKey: row.x25519PublicKey,
    ed25519PublicKey: row.ed25519PublicKey,
    keysChangedAt: row.keysChangedAt?.toISOString() ?? null,
  };
}

export type KeysService = ReturnType<typeof createKeysService>;

/**
 * The public-key directory (DESIGN section 7): what clients seal messages with. The server only
 * distributes public keys and the owner's password-sealed bundle; it never sees a private key.
 */
export function createKeysService(deps: KeysDeps) {
  const { db, clock, broadcaster } = deps;

  return {
    /** Any signed-in user may read a live user's public keys (as on their profile); 404 otherwise. */
    async ofUser(userId: string): Promise<PublicKeysView> {
      const row = await selectPublicKeys(db, userId);
      if (!row) throw notFound('No such user.');
      return toPublicKeysView(row);
    },

    /** The keys to seal for: the current members, for members only (404 to anyone else). */
    async ofConversation(viewerId: string, conversationId: string): Promise<ConversationKeys> {
      await requireMembership(db, conversationId, viewerId);
      const rows = await selectMemberKeys(db, conversationId);
      return {
        conversationId: conversationId as ConversationId,
        // Sorted by the query: uuid order is byte order, which is the code-unit order of the
        // lower-case text that envelope recipients are sorted in.
        members: rows.map(toPublicKeysView),
      };
    },

    /**
     * Sets or replaces the user's keys (the caller checked the password's auth key). After commit,
     * the user's devices and everyone sharing a conversation with them get `user_keys_changed`.
     */
    async set(userId: string, keys: UserKeys): Promise<PublicKeysView> {
      const { row, audience } = await db.transaction(async (tx) => {
        const updated = await updateKeys(tx, userId, keys, clock.now());
        if (!updated) throw notFound('No such user.');
        return { row: updated, audience: await selectKeyAudience(tx, userId) };
      });
      const view = toPublicKeysView(row);
      broadcaster.toUsers(audience, 'user_keys_changed', view);
      return view;
    },
  };
}
