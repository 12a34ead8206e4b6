import type { Conversation } from '@herald/shared';
import { useAuth } from '../features/auth/store';
import { useConversations } from '../features/conversations/store';
import { useMedia } from '../features/media/store';
import { startAutoReseal } from '../features/scheduling/reseal';
import { onScheduledTransition } from '../features/scheduling/store';
import { membersChanged, useKeyState } from '../lib/e2ee';

/**
 * Cross-feature consequences of scheduled-message changes, composed here because features do not
 * import each other: the conversation's "N scheduled" count and the failure badge in the header.
 */
export function wireScheduledCounts(): () => void {
  return onScheduledTransition((previous, next) => {
    let delta = 0;
    // New, or back from cancelled or failed (restored): one more pending.
    if (next.status === 'pending' && previous !== 'pending') delta = 1;
    else if (next.status !== 'pending' && (previous === 'pending' || previous === undefined)) delta = -1;
    useConversations.getState().adjustScheduledCount(next.conversationId, delta);
    if (next.status === 'failed' && previous !== 'failed' && !next.failureSeenAt) {
      useAuth.getState().setUnseenFailed((n) => n + 1);
    }
  });
}

function memberIds(conversation: Conversation | undefined): string {
  return conversation
    ? conversation.members
        .map((m) => m.user.id)
        .sort()
        .join(',')
    : '';
}

/**
 * Pending scheduled messages follow membership (features/scheduling/reseal.ts). Member changes
 * reach the key directory as events; the conversations store also sees the ones found by a reload
 * after a reconnect (joins while this device was away): each such change marks that conversation's
 * keys stale, which starts the re-seal of my pending messages there.
 */
export function wireAutoReseal(myId: string): () => void {
  const auto = startAutoReseal(myId);
  const unsubscribe = useConversations.subscribe((state, previous) => {
    if (state.byId === previous.byId) return;
    for (const [id, conversation] of Object.entries(state.byId)) {
      const before = previous.byId[id];
      if (before && before !== conversation && memberIds(before) !== memberIds(conversation)) membersChanged(id);
    }
  });
  return () => {
    unsubscribe();
    auto.stop();
  };
}

/** Decrypted media lives in blob URLs: revoked with every other plaintext when the keys are wiped. */
export function wireMediaWipe(): () => void {
  return useKeyState.subscribe((state, previous) => {
    if (state.status === 'none' && previous.status !== 'none') useMedia.getState().forgetAll();
  });
}
