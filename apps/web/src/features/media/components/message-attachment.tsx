import type { Message } from '@herald/shared';
import { useOpened, type Opened } from '../../../lib/e2ee';
import { latestOpens, useOneTimeOpens } from '../opens-store';
import { MessageMedia, type MediaAccess, type OpenedBy } from './message-media';

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
    | 'openedBy'
  >;
  mine: boolean;
  onViewed: () => void;
  /** Names for "Opened by" (my one-time media in groups). */
  nameOf?: (userId: string) => string;
  timeZone?: string;
}

/**
 * A message's photo or video: the message is opened first (its plaintext carries the file's key,
 * hash and real type), then the stored bytes are fetched and opened into a blob URL.
 */
export function MessageAttachment({ message, mine, onViewed, nameOf, timeZone }: MessageAttachmentProps) {
  const opened = useOpened(message);
  const live = useOneTimeOpens((s) => s.byMessage[message.id]);
  if (!message.media) return null;
  const opens = mine && message.isOneTimeMedia ? latestOpens(message.openedBy, live) : [];
  const openedBy: OpenedBy[] = opens.map((o) => ({
    name: nameOf?.(o.userId) ?? 'Someone',
    at: o.lastOpenedAt,
    views: o.views,
  }));
  return (
    <MessageMedia
      media={message.media}
      access={mediaAccessOf(opened)}
      isOneTime={message.isOneTimeMedia}
      viewLimit={message.viewLimit}
      myViews={message.myViews}
      mediaExpiresAt={message.mediaExpiresAt}
      mine={mine}
      openedBy={openedBy}
      timeZone={timeZone}
      onViewed={onViewed}
    />
  );
}
