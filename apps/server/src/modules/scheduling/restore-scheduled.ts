import type { RestoreScheduledBody, ScheduledMessage } from '@herald/shared';
import type { z } from 'zod';
import { AppError } from '../../lib/app-error.js';
import { assertMayPost, selectPostingContext } from '../membership/index.js';
import { assertAddressedToMembers, assertRepliable } from '../messages/index.js';
import { assertUnderQuota } from './create-scheduled.js';
import { lockSenderQuota } from './create-scheduled.sql.js';
import { requireOwnScheduled, resealedHeader } from './own-scheduled.js';
import { reattachMedia, restoreWithinQuota } from './restore-scheduled.sql.js';
import { viewOf, type SchedulingApiDeps } from './scheduling-deps.js';
import { resolveScheduledTime } from './time-rules.js';
import { wakeDispatchersFor } from './wake-dispatchers.js';

export type RestoreScheduledInput = z.output<typeof RestoreScheduledBody>;

/**
 * Brings a cancelled message (while its time is still ahead, or at a new time) or a failed one
 * (edited and rescheduled) back to pending. Everything a new schedule must pass is checked again,
 * before anything is written: the time rules, the sender's right to post there (still a member,
 * not blocked), the message it replies to, new content sealed for the current members, the
 * pending quotas (under the sender's quota lock) and its media still stored. The version is the
 * copy the client saw: a restore from a stale copy is a 409 and changes nothing.
 */
export async function restoreScheduled(
  deps: SchedulingApiDeps,
  senderId: string,
  id: string,
  body: RestoreScheduledInput,
): Promise<ScheduledMessage> {
  const { db } = deps;
  const current = await requireOwnScheduled(db, senderId, id);
  if (current.status !== 'cancelled' && current.status !== 'failed') {
    throw new AppError(
      'invalid_state',
      `Only a cancelled or failed message can be restored; this one is ${current.status}.`,
      { status: current.status },
    );
  }
  if (current.version !== body.version) throw versionConflict(current.version);
  const now = deps.clock.now();
  if (
    body.scheduledTime === undefined &&
    current.scheduledTime.getTime() < now.getTime() + deps.limits.minLeadSeconds * 1000
  ) {
    throw new AppError('time_too_soon', 'Its time has passed; choose a new time to schedule it again.', {
      scheduledTime: current.scheduledTime.toISOString(),
    });
  }
  const scheduledTime = resolveScheduledTime(
    body.scheduledTime ?? current.scheduledTime.toISOString(),
    now,
    deps.limits,
  );
  const context = await selectPostingContext(db, senderId, { conversationId: current.conversationId });
  assertMayPost(context);
  const header = resealedHeader(body.content, current, senderId);
  if (current.replyToId) await assertRepliable(db, current.conversationId, current.replyToId);

  const row = await db.transaction(async (tx) => {
    await lockSenderQuota(tx, senderId);
    if (header) await assertAddressedToMembers(tx, current.conversationId, header);
    const limits = { perConversation: deps.limits.maxPendingPerConversation, perUser: deps.limits.maxPendingPerUser };
    const outcome = await restoreWithinQuota(
      tx,
      {
        id,
        senderId,
        conversationId: current.conversationId,
        scheduledTime,
        content: body.content,
        version: body.version,
        now,
      },
      limits,
    );
    assertUnderQuota(outcome, limits);
    if (!outcome.row) return undefined;
    if (
      outcome.row.mediaId &&
      !(await reattachMedia(tx, { mediaId: outcome.row.mediaId, senderId, scheduledId: id, now }))
    ) {
      throw new AppError('conflict', 'Its photo or video is no longer stored, so it cannot be scheduled again.');
    }
    if (context.hidden) await deps.conversations.unhideIn(tx, senderId, current.conversationId);
    return outcome.row;
  });
  if (!row) {
    const latest = await requireOwnScheduled(db, senderId, id);
    throw versionConflict(latest.version);
  }
  await wakeDispatchersFor(deps, row.dueAt);
  const scheduled = viewOf(deps, row);
  deps.broadcaster.toUsers([senderId], 'scheduled_message_updated', scheduled);
  if (context.hidden) await deps.conversations.announceOpened(current.conversationId, senderId);
  return scheduled;
}

function versionConflict(version: number): AppError {
  return new AppError('version_conflict', `It was changed meanwhile (now version ${version}); reload and try again.`, {
    version,
  });
}
