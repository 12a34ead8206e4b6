import type { Db } from '../../db/db.js';
import type { BlobStorage } from '../../lib/blob-storage.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import type { ConversationsService } from '../conversations/index.js';
import { cancelScheduled } from './cancel-scheduled.js';
import { createScheduled } from './create-scheduled.js';
import {
  deliverDueBatch,
  type BatchResult,
  type DeliveryDeps,
  type DeliveryObserver,
  type DeliveryRules,
  type WriteMessages,
} from './delivery.js';
import { editScheduled } from './edit-scheduled.js';
import { failPendingOnAccountDeleted, failPendingOnMembershipEnded } from './fail-pending.js';
import { countFailuresUnseen, dismissFailure, markAllFailuresSeen } from './failures.js';
import { countPendingByConversation } from './list-scheduled.sql.js';
import { getScheduled, listScheduled } from './list-scheduled.js';
import { viewOf, type SchedulingApiDeps, type SchedulingLimits } from './scheduling-deps.js';
import { sendNow } from './send-now.js';
import type { ScheduledRow } from './scheduling.sql.js';

export { SCHEDULE_CHANNEL } from './wake-dispatchers.js';

export interface SchedulingDeps {
  db: Db;
  clock: Clock;
  broadcaster: Broadcaster;
  storage: BlobStorage;
  conversations: ConversationsService;
  write: WriteMessages;
  rules: DeliveryRules;
  limits: SchedulingLimits;
  observer?: DeliveryObserver;
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
  const delivery: DeliveryDeps = {
    write: deps.write,
    broadcaster,
    storage: deps.storage,
    rules,
    ...(deps.observer ? { observer: deps.observer } : {}),
  };

  return {
    view: (row: ScheduledRow) => viewOf(api, row),
    create: (senderId: string, input: unknown) => createScheduled(api, senderId, input),
    list: (senderId: string, query: unknown) => listScheduled(api, senderId, query),
    get: (senderId: string, id: string) => getScheduled(api, senderId, id),
    update: (senderId: string, id: string, input: unknown) => editScheduled(api, senderId, id, input),
    cancel: (senderId: string, id: string) => cancelScheduled(api, senderId, id),
    sendNow: (senderId: string, id: string) => sendNow({ ...api, delivery }, senderId, id),
    dismiss: (senderId: string, id: string) => dismissFailure(api, senderId, id),
    markFailuresSeen: (senderId: string) => markAllFailuresSeen(api, senderId),
    countUnseenFailures: (senderId: string) => countFailuresUnseen(api, senderId),
    countPendingByConversation: (senderId: string, ids: readonly string[]) =>
      countPendingByConversation(db, senderId, ids),

    /**
     * One dispatcher pass: up to `limit` due rows in one transaction, then any suspects (rows of a
     * batch whose process died) one per transaction.
     */
    async deliverDueBatch(limit: number, options: { suspects: boolean } = { suspects: true }): Promise<BatchResult> {
      const result = await deliverDueBatch(db, 'fresh', limit, clock.now(), delivery, () => clock.now());
      if (result.picked >= limit || !options.suspects) return result;
      for (let n = 0; n < limit; n++) {
        const one = await deliverDueBatch(db, 'suspect', 1, clock.now(), delivery, () => clock.now());
        result.picked += one.picked;
        result.handled += one.handled;
        // None left, or one held by a request right now: the next pass takes it.
        if (one.handled === 0) break;
      }
      return result;
    },

    membershipEndedStep: failPendingOnMembershipEnded({ broadcaster, maxRetries: rules.maxRetries }),
    accountDeletionStep: failPendingOnAccountDeleted({ broadcaster, maxRetries: rules.maxRetries }),
  };
}
