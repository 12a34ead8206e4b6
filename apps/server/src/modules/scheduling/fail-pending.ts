import { FAILURE_TEXT, type FailureCode } from '@herald/shared';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { AccountDeletionStep } from '../auth/index.js';
import type { MembershipEndedStep } from '../membership/index.js';
import { failPendingWhere } from './fail-pending.sql.js';
import { announceFailed } from './scheduled-events.js';
import { releaseMedia, type ScheduledRow } from './scheduling.sql.js';

/** Why a membership ended, as the failure its sender's pending messages there get. */
const FAILURE_BY_REASON = {
  deleted_chat: 'conversation_deleted',
  left: 'sender_not_member',
  removed: 'sender_not_member',
} as const satisfies Record<string, FailureCode>;

interface FailDeps {
  broadcaster: Broadcaster;
  maxRetries: number;
}

const mediaOf = (rows: readonly ScheduledRow[]) => rows.flatMap((r) => (r.mediaId ? [r.mediaId] : []));

/**
 * Leaving, being removed or deleting the chat fails the person's pending messages there at once,
 * in that change's transaction; their senders hear it after commit.
 */
export function failPendingOnMembershipEnded(deps: FailDeps): MembershipEndedStep {
  return async (tx, { conversationId, userId, reason, now }) => {
    const code = FAILURE_BY_REASON[reason];
    const failed = await failPendingWhere(tx, { senderId: userId, conversationId }, code, FAILURE_TEXT[code], now);
    await releaseMedia(tx, mediaOf(failed));
    if (failed.length) return () => announceFailed(deps.broadcaster, failed, deps.maxRetries);
  };
}

/**
 * A deleted account: its own pending messages fail (nobody is left to tell), and so do direct
 * ones addressed to it (their senders are told).
 */
export function failPendingOnAccountDeleted(deps: FailDeps): AccountDeletionStep {
  return async (tx, userId, now) => {
    const own = await failPendingWhere(tx, { senderId: userId }, 'sender_deleted', FAILURE_TEXT.sender_deleted, now);
    const toThem = await failPendingWhere(
      tx,
      { receiverId: userId },
      'receiver_deleted',
      FAILURE_TEXT.receiver_deleted,
      now,
    );
    await releaseMedia(tx, mediaOf([...own, ...toThem]));
    return () => announceFailed(deps.broadcaster, toThem, deps.maxRetries);
  };
}
