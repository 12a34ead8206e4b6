import { useCallback, useEffect, useRef } from 'react';
import { SearchPanel } from '../../features/messages/search/search-panel';
import { useMessageSearch, useSearchOpen } from '../../features/messages/search/store';
import { navigate, paths } from '../router';

export interface ChatSearchProps {
  conversationId: string;
  panel: 'scheduled' | 'info' | null;
  myId: string;
  timeZone: string;
  nameOf: (userId: string) => string;
}

/**
 * The chat's search bar (opened from the header): a pick jumps the timeline to the message through
 * the route's focus (`?m=`), which loads older pages until it is there, scrolls to it and
 * highlights it (timeline.tsx useFocusMessage).
 */
export function ChatSearch({ conversationId, panel, myId, timeZone, nameOf }: ChatSearchProps) {
  const open = useSearchOpen(conversationId);
  const onJump = useCallback(
    (messageId: string) => {
      // The same message again: leave the focus first so that it scrolls and flashes again.
      if (new URLSearchParams(location.search).get('m') === messageId) {
        navigate(paths.chat(conversationId, panel), { replace: true });
      }
      navigate(paths.chat(conversationId, panel, messageId), { replace: true });
    },
    [conversationId, panel],
  );
  // Closing the search lets go of the last jump's focus (the timeline would keep returning to it).
  const wasOpen = useRef(open);
  useEffect(() => {
    if (wasOpen.current && !open && new URLSearchParams(location.search).get('m')) {
      navigate(paths.chat(conversationId, panel), { replace: true });
    }
    wasOpen.current = open;
  }, [open, conversationId, panel]);
  // Leaving the chat closes its search.
  useEffect(
    () => () => {
      if (useMessageSearch.getState().conversationId === conversationId) useMessageSearch.getState().close();
    },
    [conversationId],
  );
  if (!open) return null;
  return (
    <SearchPanel conversationId={conversationId} timeZone={timeZone} myId={myId} nameOf={nameOf} onJump={onJump} />
  );
}
