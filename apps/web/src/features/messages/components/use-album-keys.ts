import { useCallback, useEffect, useState } from 'react';
import { openContent, peekOpened } from '../../../lib/e2ee';
import { cacheKey, subscribe } from '../../../lib/e2ee/opened-cache';
import type { TimelineMessage } from '../merge';

const isMedia = (m: TimelineMessage) => (m.contentType === 'image' || m.contentType === 'video') && !m.deletedAt;

/**
 * The album id of each loaded photo or video message, as opened on this device (albums live in
 * the sealed plaintext). Opens the media messages of the loaded pages (not only those on screen,
 * so that an album is one row before it is scrolled to) and changes `version` whenever one of them
 * is opened, so that the rows are folded again.
 */
export function useAlbumOf(messages: readonly TimelineMessage[]): {
  albumOf: (message: TimelineMessage) => string | null;
  version: number;
} {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const media = messages.filter(isMedia);
    const bump = () => setVersion((v) => v + 1);
    const stops = media.map((m) => subscribe(cacheKey(m), bump));
    for (const m of media) if (!peekOpened(m)) void openContent(m);
    return () => {
      for (const stop of stops) stop();
    };
  }, [messages]);
  const albumOf = useCallback((message: TimelineMessage) => {
    if (!isMedia(message)) return null;
    const opened = peekOpened(message);
    return opened?.state === 'opened' ? (opened.album?.id ?? null) : null;
  }, []);
  return { albumOf, version };
}
