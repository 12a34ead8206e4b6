import type { Message, ServerEventPayload } from '@herald/shared';
import { useConversations } from '../features/conversations/store';
import { useMessageChanges } from '../features/messages/changes';
import { useMessages } from '../features/messages/store';

/**
 * Edits and deletes heard on the socket (docs/web.md "Edit and delete"), applied to the timeline
 * and the chat list.
 */

/** `message_updated`: an edit or a "delete for everyone" (a tombstone), from any member. */
export function applyUpdatedMessage(message: Message): void {
  // Only a copy held is replaced: an older message not loaded here would otherwise appear alone
  // above a gap (its page brings the new version when it is loaded).
  const held = useMessages.getState().timelines[message.conversationId]?.messages.some((m) => m.id === message.id);
  if (held) useMessages.getState().receive(message);
  // Someone else's delete closes my editor or dialog for it.
  const changes = useMessageChanges.getState();
  if (message.deletedAt && (changes.editing === message.id || changes.deleting === message.id)) changes.close();
  const conversations = useConversations.getState();
  const conversation = conversations.byId[message.conversationId];
  if (!conversation) return;
  if (message.deletedAt) {
    // A deleted message is no longer unread: the server counts again.
    conversations.refresh(message.conversationId).catch(() => {});
  } else if (conversation.lastMessage?.id === message.id) {
    // The list's preview follows the edit (nothing is counted again: the same message).
    useConversations.setState((s) => {
      const current = s.byId[message.conversationId];
      if (!current || current.lastMessage?.id !== message.id) return s;
      return { byId: { ...s.byId, [current.id]: { ...current, lastMessage: message } } };
    });
  }
}

/**
 * `message_deleted`: deleted for me on another device (or expired): gone from the timeline; when it
 * was the chat list's last message, the list asks the server for the new one and the unread count.
 */
export function applyDeletedMessages(event: ServerEventPayload<'message_deleted'>): void {
  useMessages.getState().remove(event.conversationId, event.messageIds);
  const conversation = useConversations.getState().byId[event.conversationId];
  if (conversation?.lastMessage && (event.messageIds as string[]).includes(conversation.lastMessage.id)) {
    useConversations
      .getState()
      .refresh(event.conversationId)
      .catch(() => {});
  }
}
