import { useConversations } from '../../features/conversations/store';

/**
 * "N scheduled" (the bar above the composer, the header clock's badge, the chat list's chip) has
 * one source: the conversation's `scheduledPendingCount`. The server computes it from the
 * scheduled messages table with every conversation it sends (list, reload, `conversation_updated`),
 * and between two of those only live transitions move it (`wireScheduledCounts`, wiring.ts: an
 * event or my own action, never a list that was loaded). The scheduling store's list is not
 * counted: it holds only the lists this tab has opened, so it cannot know every chat's count.
 */
export function useScheduledCount(conversationId: string): number {
  return useConversations((s) => s.byId[conversationId]?.scheduledPendingCount ?? 0);
}
