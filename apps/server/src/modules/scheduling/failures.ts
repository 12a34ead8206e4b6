import type { ScheduledMessage } from '@herald/shared';
import { AppError } from '../../lib/app-error.js';
import { dismissFailed } from './edit-scheduled.sql.js';
import { countUnseenFailures, markFailuresSeen } from './list-scheduled.sql.js';
import { requireOwnScheduled } from './own-scheduled.js';
import { viewOf, type SchedulingApiDeps } from './scheduling-deps.js';

/** Hides a failed message from the default list (and counts it as seen). */
export async function dismissFailure(deps: SchedulingApiDeps, senderId: string, id: string): Promise<ScheduledMessage> {
  const row = await dismissFailed(deps.db, id, senderId, deps.clock.now());
  if (!row) {
    const current = await requireOwnScheduled(deps.db, senderId, id);
    throw new AppError('invalid_state', 'Only failed scheduled messages can be dismissed.', { status: current.status });
  }
  const scheduled = viewOf(deps, row);
  deps.broadcaster.toUsers([senderId], 'scheduled_message_updated', scheduled);
  return scheduled;
}

/** The header badge is cleared: every failure so far counts as seen. Answers how many were marked. */
export function markAllFailuresSeen(deps: SchedulingApiDeps, senderId: string): Promise<number> {
  return markFailuresSeen(deps.db, senderId, deps.clock.now());
}

/** The header badge: failures the sender has not seen yet. */
export function countFailuresUnseen(deps: SchedulingApiDeps, senderId: string): Promise<number> {
  return countUnseenFailures(deps.db, senderId);
}
