import { memo, useCallback } from 'react';
import { toast } from '../../components/ui/toast-store';
import { useConversations } from '../../features/conversations/store';
import { AlbumGrid } from '../../features/media/components/album-grid';
import { MessageAttachment } from '../../features/media/components/message-attachment';
import { Timeline } from '../../features/messages/components/timeline';
import type { TimelineMessage } from '../../features/messages/merge';
import { useMessages } from '../../features/messages/store';
import { errorMessage } from '../../lib/http';

export interface ChatTimelineProps {
  conversationId: string;
  myId: string;
  timeZone: string;
  isGroup: boolean;
  nameOf: (userId: string) => string;
  focusMessageId: string | null;
}

/**
 * The timeline wired to the other features: media in bubbles, replies, reactions, read marks.
 * Memoised: a new message changes the conversation (its last message), not these props.
 */
export const ChatTimeline = memo(function ChatTimeline({
  conversationId,
  myId,
  timeZone,
  isGroup,
  nameOf,
  focusMessageId,
}: ChatTimelineProps) {
  const unread = useConversations((s) => s.byId[conversationId]?.unreadCount ?? 0);

  const onSeeLatest = useCallback(() => {
    if (unread > 0 && document.visibilityState === 'visible') {
      useConversations
        .getState()
        .markRead(conversationId)
        .catch(() => {});
    }
  }, [unread, conversationId]);

  const renderMedia = useCallback(
    (message: TimelineMessage, album?: readonly TimelineMessage[]) =>
      album && album.length > 1 ? (
        <AlbumGrid messages={album} />
      ) : message.media ? (
        <MessageAttachment
          message={message}
          mine={message.senderId === myId}
          onViewed={() => useMessages.getState().markViewed(conversationId, message.id)}
          nameOf={nameOf}
          timeZone={timeZone}
        />
      ) : null,
    [myId, conversationId, nameOf, timeZone],
  );

  const onReply = useCallback(
    (message: TimelineMessage) => useMessages.getState().setReplyTo(conversationId, message.id),
    [conversationId],
  );

  const onReact = useCallback(
    (message: TimelineMessage, emoji: string) => {
      useMessages
        .getState()
        .toggleReaction(conversationId, message.id, emoji, myId)
        .catch((err: unknown) => toast.error(errorMessage(err)));
    },
    [conversationId, myId],
  );

  return (
    <Timeline
      conversationId={conversationId}
      myId={myId}
      timeZone={timeZone}
      isGroup={isGroup}
      nameOf={nameOf}
      renderMedia={renderMedia}
      onReply={onReply}
      onReact={onReact}
      focusMessageId={focusMessageId}
      onSeeLatest={onSeeLatest}
    />
  );
});
