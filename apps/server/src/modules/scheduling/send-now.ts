import type { Message, ScheduledMessage } from '@herald/shared';
import { notFound } from '../../lib/app-error.js';
import { notPending } from './own-scheduled.js';
import { viewOf, type SchedulingApiDeps } from './scheduling-deps.js';
import type { ScheduledRow } from './scheduling.sql.js';

/** What delivering one of the sender's rows now did (see DeliverNow). */
export type DeliverNowResult =
  | { kind: 'missing' }
  /** Not pending any more (sent by a delivery that held it, cancelled, failed): the row as it is. */
  | { kind: 'not_pending'; row: ScheduledRow }
  | { kind: 'sent'; row: ScheduledRow; message: Message }
  /** Failed for good, or to be retried: the row as it now stands. */
  | { kind: 'not_sent'; row: ScheduledRow };

/**
 * Delivers one of the sender's rows now, through the dispatcher's path: the delivery module's
 * (src/delivery/send-now.ts), injected, since that module sits above this one. It waits (under the
 * request's lock_timeout) for a delivery that holds the row, then works on the row as it is.
 */
export type DeliverNow = (senderId: string, id: string) => Promise<DeliverNowResult>;

export interface SendNowOutcome {
  scheduledMessage: ScheduledMessage;
  /** The message delivered; null when the row failed or is to be retried instead. */
  message: Message | null;
}

/**
 * Sends a pending message now. Sent by a delivery that held the row, cancelled or failed
 * meanwhile is a 409 with the current status; another user's row is a 404 like a missing one.
 */
export async function sendNow(
  deps: SchedulingApiDeps & { deliverNow: DeliverNow },
  senderId: string,
  id: string,
): Promise<SendNowOutcome> {
  const result = await deps.deliverNow(senderId, id);
  switch (result.kind) {
    case 'missing':
      throw notFound('No such scheduled message.');
    case 'not_pending':
      throw notPending(result.row);
    case 'sent':
      return { scheduledMessage: viewOf(deps, result.row), message: result.message };
    case 'not_sent':
      return { scheduledMessage: viewOf(deps, result.row), message: null };
  }
}
