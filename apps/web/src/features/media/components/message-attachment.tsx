import type { Message } from '@herald/shared';
import { useOpened, type Opened } from '../../../lib/e2ee';
import { MessageMedia, type MediaAccess } from './message-media';

/** What the opened message says about its media: the file's secrets, legacy, or why not. */
export function mediaAccessOf(opened: Opened | null): MediaAccess {
  if (!opened) return { state: 'opening' };
  if (opened.state === 'legacy') return { state: 'legacy' };
  if (opened.state === 'unreadable') return { state: 'unreadable', reason: opened.notice };
  if (!opened.media) return { state: 'unreadable', reason: 'This file could not be decrypted.' };
  return { state: 'sealed', media: opened.media };
}

export interface MessageAttachmentProps {
  message: Pick<
    Message,
    | 'id'
    | 'conversationId'
    | 'senderId'
    | 'content'
    | 'media'
    | 'isOneTimeMedia'
    | 'viewLimit'
    | 'myViews'
    | 'mediaExpiresAt'
  >;
  mine: boolean;
  onViewed: () => void;
}

/**
 * A message's photo or video: the message is opened first (its plaintext carries the file's key,
 * hash and real type), then the stored bytes are fetched and opened into a blob URL.
 */
export function MessageAttachment({ message, mine, onViewed }: MessageAttachmentProps) {
  const opened = useOpened(message);
  if (!message.media) return null;
  return (
    <MessageMedia
      media={message.media}
      access={mediaAccessOf(opened)}
      isOneTime={message.isOneTimeMedia}
      viewLimit={message.viewLimit}
      myViews={message.myViews}
      mediaExpiresAt={message.mediaExpiresAt}
      mine={mine}
      onViewed={onViewed}
    />
  );
}
