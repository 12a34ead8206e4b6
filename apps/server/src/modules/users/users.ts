import type { PublicUser, UserId } from '@herald/shared';
import type { PresenceReader } from '../../lib/presence.js';
import type { UserRow } from './users.sql.js';

export const DELETED_DISPLAY_NAME = 'Deleted account';

/** The public view of a user: what any signed-in user may see. */
export function toPublicUser(row: UserRow, online: boolean): PublicUser {
  const deleted = row.deletedAt !== null;
  return {
    id: row.id as UserId,
    username: deleted ? 'deleted' : row.username,
    displayName: deleted ? DELETED_DISPLAY_NAME : row.displayName,
    timeZone: deleted ? 'UTC' : row.timeZone,
    online: !deleted && online,
    lastSeenAt: deleted ? null : (row.lastSeenAt?.toISOString() ?? null),
    deleted,
    x25519PublicKey: deleted ? null : row.x25519PublicKey,
    ed25519PublicKey: deleted ? null : row.ed25519PublicKey,
  };
}

export async function toPublicUsers(rows: UserRow[], presence: PresenceReader): Promise<PublicUser[]> {
  const online = await presence.onlineAmong(rows.map((r) => r.id));
  return rows.map((row) => toPublicUser(row, online.has(row.id)));
}
