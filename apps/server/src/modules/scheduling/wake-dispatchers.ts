import type { Db } from '../../db/db.js';
import type { Clock } from '../../lib/clock.js';

/** The NOTIFY channel every dispatcher listens on; the payload is the new due time in epoch ms. */
export const SCHEDULE_CHANNEL = 'herald_scheduled';

/**
 * Wakes every dispatcher (this process's included) for a new or moved due time, after commit, if
 * it is due before their next poll: a later one is found by the poll anyway, so most creations
 * cost no extra round trip.
 */
export async function wakeDispatchersFor(
  deps: { db: Db; clock: Clock; wakeWithinMs: number },
  dueAt: Date,
): Promise<void> {
  if (dueAt.getTime() - deps.clock.now().getTime() >= deps.wakeWithinMs) return;
  await deps.db.notify(SCHEDULE_CHANNEL, String(dueAt.getTime()));
}
