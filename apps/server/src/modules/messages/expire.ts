import type { Message } from '@herald/shared';
import type { Db } from '../../db/db.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import type { MediaService } from '../media/index.js';
import { selectCurrentMembers } from '../membership/index.js';
import { deleteExpiredMessages } from './messages.sql.js';

export interface ExpiryDeps {
  db: Db;
  clock: Clock;
  broadcaster: Broadcaster;
  media: MediaService;
}

const EXPIRY_BATCH = 500;

/** Temporary mode: deletes what is due, with its media, and tells the members. */
export async function expireDue({ db, clock, broadcaster, media }: ExpiryDeps): Promise<number> {
  const now = clock.now();
  let total = 0;
  for (;;) {
    const deleted = await deleteExpiredMessages(db, now, EXPIRY_BATCH);
    if (deleted.length === 0) break;
    total += deleted.length;
    await media.deleteBlobs(
      db,
      deleted.flatMap((r) => (r.mediaId ? [r.mediaId] : [])),
    );
    const byConversation = new Map<string, string[]>();
    for (const r of deleted)
      byConversation.set(r.conversationId, [...(byConversation.get(r.conversationId) ?? []), r.id]);
    const members = await selectCurrentMembers(db, [...byConversation.keys()]);
    for (const [conversationId, ids] of byConversation) {
      broadcaster.toUsers(
        members.filter((m) => m.conversationId === conversationId).map((m) => m.userId),
        'message_deleted',
        { conversationId: conversationId as Message['conversationId'], messageIds: ids as Message['id'][] },
      );
    }
    if (deleted.length < EXPIRY_BATCH) break;
  }
  return total;
}
