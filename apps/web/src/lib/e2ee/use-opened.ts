import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { openContent, peekOrLegacy } from './open';
import { cacheKey, subscribe, type OpenableMessage, type Opened } from './opened-cache';

/**
 * A message's opened content for a view, or null while it is being opened. Only messages that are
 * rendered ask (the timeline is virtualised), so the ones on screen open first and a long history
 * costs nothing until it is scrolled to.
 */
export function useOpened(message: OpenableMessage | null | undefined): Opened | null {
  const key = message ? cacheKey(message) : null;
  const listen = useCallback((onChange: () => void) => (key ? subscribe(key, onChange) : () => {}), [key]);
  const opened = useSyncExternalStore(listen, () => (key && message ? (peekOrLegacy(message, key) ?? null) : null));
  const missing = key !== null && opened === null;
  useEffect(() => {
    if (missing && message) void openContent(message);
    // Keyed by the content's key: a new object for the same content does not open it again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, missing]);
  return opened;
}
