import { useAuth } from '../features/auth/store';
import { useConversations } from '../features/conversations/store';
import { onScheduledTransition } from '../features/scheduling/store';

/**
 * Cross-feature consequences of scheduled-message changes, composed here because features do not
 * import each other: the conversation's "N scheduled" count and the failure badge in the header.
 */
export function wireScheduledCounts(): () => void {
  return onScheduledTransition((previous, next) => {
    let delta = 0;
    if (next.status === 'pending' && previous === undefined) delta = 1;
    else if (next.status !== 'pending' && (previous === 'pending' || previous === undefined)) delta = -1;
    useConversations.getState().adjustScheduledCount(next.conversationId, delta);
    if (next.status === 'failed' && previous !== 'failed' && !next.failureSeenAt) {
      useAuth.getState().setUnseenFailed((n) => n + 1);
    }
  });
}
