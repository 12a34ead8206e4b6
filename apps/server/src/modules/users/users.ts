import type { PublicUser, UserId } from '@herald/shared';
import type { Queryable } from '../../db/db.js';
import type { PresenceReader } from '../../lib/presence.js';
import { selectContactIds } from '../membership/index.js';
import type { UserRow } from './users.sql.js';

export const DELETED_DISPLAY_NAME = 'Deleted account';

/**
 * The public view of a user: what any signed-in user may see, presence (online, last seen) only
 * when `showPresence` (the viewer is that user or one of their contacts: see toPublicUsers).
 */
export function toPublicUser(row: UserRow, online: boolean, showPresence = true): PublicUser {
  const deleted = row.deletedAt !== null;
  const presence = showPresence && !deleted;
  return {
    id: row.id as UserId,
    username: deleted ? 'deleted' : row.username,
    displayName: deleted ? DELETED_DISPLAY_NAME : row.displayName,
    timeZone: deleted ? 'UTC' : row.timeZone,
    online: presence && online,
    lastSeenAt: presence ? (row.lastSeenAt?.toISOString() ?? null) : null,
    deleted,
    x25519PublicKey: deleted ? null : row.x25519PublicKey,
    ed25519PublicKey: deleted ? null : row.ed25519PublicKey,
    avatarUrl: deleted || !row.avatarVersion ? null : avatarUrl(row.id, row.avatarVersion),
  };
}

/** Where a user's avatar is served, versioned so that it can be cached for long. */
export function avatarUrl(userId: string, version: string): string {
  return `/api/users/${userId}/avatar?v=${encodeURIComponent(version)}`;
}

/** The same user without presence: what someone who is not their contact sees. */
export function withoutPresence(user: PublicUser): PublicUser {
  return { ...user, online: false, lastSeenAt: null };
}

/**
 * Users as `viewerId` sees them: online state and last seen only for the viewer's contacts
 * (people who share a current conversation with them, no block either way; selectContactIds) and
 * for the viewer themself. Everyone else looks offline with no last-seen time.
 */
export async function toPublicUsers(
  q: Queryable,
  viewerId: string,
  rows: readonly UserRow[],
  presence: PresenceReader,
): Promise<PublicUser[]> {
  if (rows.length === 0) return [];
  const others = rows.map((r) => r.id).filter((id) => id !== viewerId);
  const contacts = new Set(await selectContactIds(q, viewerId, others));
  const visible = rows.filter((r) => r.id === viewerId || contacts.has(r.id)).map((r) => r.id);
  const online = visible.length ? await presence.onlineAmong(visible) : new Set<string>();
  return rows.map((row) => toPublicUser(row, online.has(row.id), row.id === viewerId || contacts.has(row.id)));
}
