import type { ScheduledMessage } from '@herald/shared';
import { cancelPending } from './edit-scheduled.sql.js';
import { notPending, requireOwnScheduled } from './own-scheduled.js';
import { viewOf, type SchedulingApiDeps } from './scheduling-deps.js';
import { releaseMedia } from './scheduling.sql.js';

/**
 * Cancels a pending message and frees its media. The row lock makes this wait for a delivery in
 * flight, which leaves the row no longer pending: a 409 naming its status, never both.
 */
export async function cancelScheduled(
  deps: SchedulingApiDeps,
  senderId: string,
  id: string,
): Promise<ScheduledMessage> {
  const now = deps.clock.now();
  const row = await deps.db.transaction(async (tx) => {
    const cancelled = await cancelPending(tx, id, senderId, now);
    if (cancelled?.mediaId) await releaseMedia(tx, [cancelled.mediaId]);
    return cancelled;
  });
  if (!row) throw notPending(await requireOwnScheduled(deps.db, senderId, id));
  const scheduled = viewOf(deps, row);
  deps.broadcaster.toUsers([senderId], 'scheduled_message_cancelled', scheduled);
  return scheduled;
}
