import type { ScheduledMessage, UpdateScheduledBody } from '@herald/shared';
import type { z } from 'zod';
import type { Queryable } from '../../db/db.js';
import { AppError } from '../../lib/app-error.js';
import { assertAddressedToMembers } from '../messages/index.js';
import { updatePending } from './edit-scheduled.sql.js';
import { notPending, requireOwnScheduled, resealedHeader } from './own-scheduled.js';
import { viewOf, type SchedulingApiDeps } from './scheduling-deps.js';
import { resolveScheduledTime } from './time-rules.js';
import { wakeDispatchersFor } from './wake-dispatchers.js';

/** An edit as the route's schema parsed it. */
export type UpdateScheduledInput = z.output<typeof UpdateScheduledBody>;

/**
 * Edits a pending message's content and/or time (with an optional version check). A moved time
 * wakes the dispatchers if it is now due soon.
 */
export async function editScheduled(
  deps: SchedulingApiDeps,
  senderId: string,
  id: string,
  body: UpdateScheduledInput,
): Promise<ScheduledMessage> {
  const { db } = deps;
  const current = await requireOwnScheduled(db, senderId, id);
  if (current.status !== 'pending') throw notPending(current);
  const header = resealedHeader(body.content, current, senderId);
  const now = deps.clock.now();
  const scheduledTime =
    body.scheduledTime === undefined ? undefined : resolveScheduledTime(body.scheduledTime, now, deps.limits);
  const edit = (q: Queryable) =>
    updatePending(q, { id, senderId, content: body.content, scheduledTime, version: body.version, now });
  // New content: the members it is sealed for are read in the transaction that writes it.
  const row = header
    ? await db.transaction(async (tx) => {
        await assertAddressedToMembers(tx, current.conversationId, header);
        return edit(tx);
      })
    : await edit(db);
  if (!row) {
    const latest = await requireOwnScheduled(db, senderId, id);
    if (latest.status !== 'pending') throw notPending(latest);
    throw new AppError(
      'version_conflict',
      `It was changed meanwhile (now version ${latest.version}); reload and try again.`,
      {
        version: latest.version,
      },
    );
  }
  if (scheduledTime) await wakeDispatchersFor(deps, row.dueAt);
  const scheduled = viewOf(deps, row);
  deps.broadcaster.toUsers([senderId], 'scheduled_message_updated', scheduled);
  return scheduled;
}
