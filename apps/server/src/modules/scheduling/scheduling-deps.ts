import type { ScheduledMessage } from '@herald/shared';
import type { Db } from '../../db/db.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import type { ConversationsService } from '../conversations/index.js';
import { toScheduled } from './scheduled-view.js';
import type { ScheduledRow } from './scheduling.sql.js';
import type { TimeRules } from './time-rules.js';

export interface SchedulingLimits extends TimeRules {
  maxPendingPerConversation: number;
  maxPendingPerUser: number;
}

/** What the scheduled-messages API's use-cases need; each takes it as its first argument. */
export interface SchedulingApiDeps {
  db: Db;
  clock: Clock;
  broadcaster: Broadcaster;
  /** Direct chats: who may be written to; a chat the sender deleted comes back. */
  conversations: Pick<ConversationsService, 'assertMayOpenDirect' | 'unhideIn' | 'announceOpened'>;
  limits: SchedulingLimits;
  /** Shown in every view (how many attempts a transient failure gets). */
  maxRetries: number;
  /**
   * Dispatchers re-read the next due time at least this often (their poll): a row due later needs
   * no NOTIFY.
   */
  wakeWithinMs: number;
}

/** The API view of a row, with the deps' retry limit. */
export function viewOf(deps: Pick<SchedulingApiDeps, 'maxRetries'>, row: ScheduledRow): ScheduledMessage {
  return toScheduled(row, deps.maxRetries);
}
