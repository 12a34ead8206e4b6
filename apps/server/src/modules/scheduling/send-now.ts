import type { Message, ScheduledMessage } from '@herald/shared';
import { notFound } from '../../lib/app-error.js';
import { finishBatch, lockOwnScheduled } from './delivery.sql.js';
import { deliverLocked, type DeliveryDeps } from './delivery.js';
import { notPending } from './own-scheduled.js';
import { viewOf, type SchedulingApiDeps } from './scheduling-deps.js';

export interface SendNowOutcome {
  scheduledMessage: ScheduledMessage;
  /** The message delivered; null when the row failed or is to be retried instead. */
  message: Message | null;
}

/**
 * Delivers one now, through the same path as the dispatcher. It waits (under the request's
 * lock_timeout) for a delivery that holds the row, then answers from the row as it is: sent by
 * that delivery, cancelled or failed meanwhile is a 409 with the current status.
 */
export async function sendNow(
  deps: SchedulingApiDeps & { delivery: DeliveryDeps },
  senderId: string,
  id: string,
): Promise<SendNowOutcome> {
  const { db, clock } = deps;
  const now = clock.now();
  const { row, delivered } = await db.transaction(async (tx) => {
    const locked = await lockOwnScheduled(tx, id, senderId);
    if (!locked) throw notFound('No such scheduled message.');
    if (locked.status !== 'pending') return { row: locked, delivered: undefined };
    const outcome = await deliverLocked(tx, [locked], now, deps.delivery);
    // Struck from dead batches' records, if it is in one (rarely: skip the statements then).
    if (locked.checks.crashes > 0) await finishBatch(tx, null, [locked.id]);
    return { row: locked, delivered: outcome };
  });
  if (!delivered) throw notPending(row);
  delivered.announce(clock.now());
  const sent = delivered.sent[0];
  if (sent) return { scheduledMessage: viewOf(deps, sent.row), message: sent.message };
  const outcome = delivered.failed[0] ?? delivered.retried[0];
  if (!outcome) throw new Error('send-now: a locked pending row produced no outcome');
  return { scheduledMessage: viewOf(deps, outcome), message: null };
}
