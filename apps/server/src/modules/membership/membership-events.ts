import type { Tx } from '../../db/db.js';

export type MembershipEndReason = 'left' | 'removed' | 'deleted_chat';

/**
 * A step another module contributes when someone stops being able to post in a conversation
 * (left or was removed from a group, or deleted the chat). Runs inside that change's
 * transaction; returns work to do after commit, if any. Scheduling uses it to fail the person's
 * pending scheduled messages there at once.
 */
export type MembershipEndedStep = (
  tx: Tx,
  event: { conversationId: string; userId: string; reason: MembershipEndReason; now: Date },
) => Promise<(() => void) | void>;
