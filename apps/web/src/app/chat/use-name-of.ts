import { useCallback } from 'react';
import { useConversations } from '../../features/conversations/store';

/**
 * How a conversation names a sender: "You", a member's name, the name of someone who left while
 * this page was open ("Alice (left)"), else "Former member".
 */
export function useNameOf(conversationId: string, myId: string): (userId: string) => string {
  const members = useConversations((s) => s.byId[conversationId]?.members);
  const formerNames = useConversations((s) => s.formerNames[conversationId]);
  return useCallback(
    (userId: string) => {
      if (userId === myId) return 'You';
      const member = members?.find((m) => m.user.id === userId);
      if (member) return member.user.displayName;
      const former = formerNames?.[userId];
      return former ? `${former} (left)` : 'Former member';
    },
    [members, formerNames, myId],
  );
}
