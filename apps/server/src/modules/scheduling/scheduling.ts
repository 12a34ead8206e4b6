import type { Db } from '../../db/db.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import type { ConversationsService } from '../conversations/index.js';
import { cancelScheduled } from './cancel-scheduled.js';
import { createScheduled, type CreateScheduledInput } from './create-scheduled.js';
import { editScheduled, type UpdateScheduledInput } from './edit-scheduled.js';
import { failPendingOnAccountDeleted, failPendingOnMembershipEnded } from './fail-pending.js';
import { countFailuresUnseen, dismissFailure, markAllFailuresSeen } from './failures.js';
import { getScheduled, listScheduled, type ScheduledListInput } from './list-scheduled.js';
import { viewOf, type SchedulingApiDeps, type SchedulingLimits } from './scheduling-deps.js';
import { restoreScheduled, type RestoreScheduledInput } from './restore-scheduled.js';
import { sendNow, type DeliverNow } from './send-now.js';
import type { ScheduledRow } from './scheduling.sql.js';

export { SCHEDULE_CHANNEL } from './wake-dispatchers.js';

export interface SchedulingDeps {
  db: Db;
  clock: Clock;
  broadcaster: Broadcaster;
  conversations: ConversationsService;
  /** Delivery's rules; the API shows how many attempts a transient failure gets. */
  rules: { maxRetries: number };
  limits: SchedulingLimits;
  /** Send-now's delivery, from the delivery module (src/delivery), which sits above this one. */
  deliverNow: DeliverNow;
  /**
   * Dispatchers re-read the next due time at least this often (their poll): a row due later needs
   * no NOTIFY.
   */
  wakeWithinMs: number;
}

export type SchedulingService = ReturnType<typeof createSchedulingService>;

/**
 * The scheduled-messages API (one use-case per file, each a plain function of its deps) bound to
 * this app's dependencies, for the routes, the dispatcher and the composition root.
 */
export function createSchedulingService(deps: SchedulingDeps) {
  const { db, clock, broadcaster, rules } = deps;
  const api: SchedulingApiDeps = {
    db,
    clock,
    broadcaster,
    conversations: deps.conversations,
    limits: deps.limits,
    maxRetries: rules.maxRetries,
    wakeWithinMs: deps.wakeWithinMs,
  };

  return {
    view: (row: ScheduledRow) => viewOf(api, row),
    create: (senderId: string, body: CreateScheduledInput) => createScheduled(api, senderId, body),
    list: (senderId: string, query: ScheduledListInput) => listScheduled(api, senderId, query),
    get: (senderId: string, id: string) => getScheduled(api, senderId, id),
    update: (senderId: string, id: string, body: UpdateScheduledInput) => editScheduled(api, senderId, id, body),
    cancel: (senderId: string, id: string) => cancelScheduled(api, senderId, id),
    restore: (senderId: string, id: string, body: RestoreScheduledInput) => restoreScheduled(api, senderId, id, body),
    sendNow: (senderId: string, id: string) => sendNow({ ...api, deliverNow: deps.deliverNow }, senderId, id),
    dismiss: (senderId: string, id: string) => dismissFailure(api, senderId, id),
    markFailuresSeen: (senderId: string) => markAllFailuresSeen(api, senderId),
    countUnseenFailures: (senderId: string) => countFailuresUnseen(api, senderId),

    membershipEndedStep: failPendingOnMembershipEnded({ broadcaster, maxRetries: rules.maxRetries }),
    accountDeletionStep: failPendingOnAccountDeleted({ broadcaster, maxRetries: rules.maxRetries }),
  };
}
