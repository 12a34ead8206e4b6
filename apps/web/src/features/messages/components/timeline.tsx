import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
  type RefObject,
} from 'react';
import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { ArrowDownIcon } from '../../../components/ui/icons';
import { dayLabel } from '../../../lib/time';
import { useNow } from '../../../lib/use-now';
import type { TimelineMessage } from '../merge';
import { findMessage } from '../order';
import { emptyTimeline, useMessages, type Timeline as TimelineState } from '../store';
import { MessageBubble } from './message-bubble';
import { TimelineEventLine } from './timeline-event';
import { timelineRows, type Row } from './timeline-rows';
import { groupAlbums, isAlbumRow, rowIndexOf } from './album-rows';
import { useAlbumOf } from './use-album-keys';

export interface TimelineProps {
  conversationId: string;
  myId: string;
  timeZone: string;
  isGroup: boolean;
  nameOf: (userId: string) => string;
  /** The media of a message; for an album (several files sent together), all its pieces in order. */
  renderMedia: (message: TimelineMessage, album?: readonly TimelineMessage[]) => ReactNode;
  onReply: (message: TimelineMessage) => void;
  onReact: (message: TimelineMessage, emoji: string) => void;
  /** Scroll to this message (e.g. "View message" from the scheduled list). */
  focusMessageId?: string | null;
  /** Called when the newest messages are on screen (mark read). */
  onSeeLatest?: () => void;
}

type Scroller = Virtualizer<HTMLDivElement, Element>;

const NEAR_BOTTOM_PX = 120;
const NEAR_TOP_PX = 400;

/**
 * Keeps the view anchored when older messages are prepended, and follows the bottom when the
 * reader is there (or the new message is mine); otherwise counts what arrived below.
 */
function useKeepInView(
  scroller: RefObject<HTMLDivElement | null>,
  rows: Row[],
  virtualizer: Scroller,
  atBottom: boolean,
  myId: string,
) {
  const [unseenBelow, setUnseenBelow] = useState(0);
  const previous = useRef({ firstKey: null as string | null, lastKey: null as string | null, total: 0, count: 0 });
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const firstKey = rows[0]?.key ?? null;
    const lastKey = rows[rows.length - 1]?.key ?? null;
    const before = previous.current;
    const total = virtualizer.getTotalSize();
    if (before.count === 0 && rows.length > 0) {
      virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    } else if (before.firstKey !== null && firstKey !== before.firstKey && lastKey === before.lastKey) {
      el.scrollTop += total - before.total;
    } else if (lastKey !== before.lastKey && rows.length > before.count) {
      const last = rows[rows.length - 1];
      const mineNew = last?.kind === 'message' && last.message.senderId === myId;
      if (atBottom || mineNew) virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
      else setUnseenBelow((n) => n + (rows.length - before.count));
    }
    previous.current = { firstKey, lastKey, total, count: rows.length };
  }, [scroller, rows, virtualizer, atBottom, myId]);
  return [unseenBelow, setUnseenBelow] as const;
}

/** Jump to a message: load older pages until it is there, then centre and highlight it. */
function useFocusMessage(
  conversationId: string,
  focusMessageId: string | null | undefined,
  rows: Row[],
  timeline: TimelineState,
  virtualizer: Scroller,
): string | null {
  const [highlight, setHighlight] = useState<string | null>(null);
  const { loaded, nextCursor, loadingOlder } = timeline;
  useEffect(() => {
    if (!focusMessageId || !loaded) return;
    const index = rowIndexOf(rows, focusMessageId);
    if (index >= 0) {
      virtualizer.scrollToIndex(index, { align: 'center' });
      setHighlight(focusMessageId);
      const timer = setTimeout(() => setHighlight(null), 2500);
      return () => clearTimeout(timer);
    }
    if (nextCursor && !loadingOlder) void useMessages.getState().loadOlder(conversationId);
    return undefined;
  }, [focusMessageId, rows, loaded, nextCursor, loadingOlder, virtualizer, conversationId]);
  return highlight;
}

/**
 * The virtualised timeline: only the rows on screen are in the DOM, so 10,000 messages scroll as
 * smoothly as 10. Older pages load when the top comes near, keeping what is on screen in place;
 * new messages follow the bottom only when the reader is already there (no jumps).
 */
export function Timeline(props: TimelineProps) {
  const { conversationId, myId, timeZone, isGroup, focusMessageId, onSeeLatest } = props;
  const timeline = useMessages((s) => s.timelines[conversationId] ?? emptyTimeline);
  const scroller = useRef<HTMLDivElement>(null);
  const [atBottom, setAtBottom] = useState(true);
  // Day labels are worded at render ("Today" moves on at midnight with the chat left open).
  const now = useNow(60_000);
  const { albumOf, version: albumVersion } = useAlbumOf(timeline.messages);
  const rows = useMemo(
    () => groupAlbums(timelineRows(timeline.messages, { timeZone, isGroup, myId }), albumOf),
    // albumVersion: an opened message may join an album.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [timeline.messages, timeZone, isGroup, myId, albumOf, albumVersion],
  );
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => (rows[index]?.kind === 'day' || rows[index]?.kind === 'event' ? 44 : 72),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 8,
    paddingStart: 12,
    paddingEnd: 12,
  });
  const [unseenBelow, setUnseenBelow] = useKeepInView(scroller, rows, virtualizer, atBottom, myId);
  const highlight = useFocusMessage(conversationId, focusMessageId, rows, timeline, virtualizer);

  useEffect(() => {
    if (atBottom) {
      setUnseenBelow(0);
      onSeeLatest?.();
    }
  }, [atBottom, onSeeLatest, timeline.messages.length, setUnseenBelow]);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    if (bottom !== atBottom) setAtBottom(bottom);
    if (el.scrollTop < NEAR_TOP_PX && timeline.nextCursor && !timeline.loadingOlder) {
      void useMessages.getState().loadOlder(conversationId);
    }
  }

  return (
    <div className="timeline-wrap">
      <div
        ref={scroller}
        className="timeline"
        onScroll={onScroll}
        role="log"
        aria-label="Messages"
        aria-live="polite"
        aria-relevant="additions"
        tabIndex={0}
      >
        {timeline.loadingOlder ? <div className="timeline-loading muted">Loading earlier messages…</div> : null}
        {!timeline.loaded ? <div className="timeline-loading muted">Loading messages…</div> : null}
        {timeline.loaded && rows.length === 0 ? (
          <div className="timeline-empty muted">No messages yet. Say hello, or schedule something for later.</div>
        ) : null}
        <div
          className="timeline-rows"
          style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}
        >
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="timeline-row"
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  transform: `translateY(${item.start}px)`,
                }}
              >
                {row.kind === 'day' ? (
                  <div className="day-separator" role="separator" aria-label={dayLabel(row.at, timeZone, now)}>
                    <span>{dayLabel(row.at, timeZone, now)}</span>
                  </div>
                ) : row.kind === 'event' ? (
                  <TimelineEventLine
                    message={row.message}
                    myId={myId}
                    timeZone={timeZone}
                    nameOf={props.nameOf}
                    highlighted={highlight === row.message.id}
                  />
                ) : (
                  <MessageRow
                    {...props}
                    row={row}
                    messages={timeline.messages}
                    highlighted={highlight === row.message.id}
                  />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {!atBottom ? (
        <button
          type="button"
          className="jump-latest"
          onClick={() => virtualizer.scrollToIndex(rows.length - 1, { align: 'end' })}
          aria-label={unseenBelow ? `${unseenBelow} new messages, jump to latest` : 'Jump to latest'}
        >
          <ArrowDownIcon size={18} />
          {unseenBelow ? <span className="jump-count">{unseenBelow}</span> : null}
        </button>
      ) : null}
    </div>
  );
}

/** One message's bubble: its reply quote resolved from the timeline, Retry and Discard wired. */
function MessageRow({
  conversationId,
  myId,
  timeZone,
  nameOf,
  renderMedia,
  onReply,
  onReact,
  row,
  messages,
  highlighted,
}: TimelineProps & {
  row: Extract<Row, { kind: 'message' }>;
  messages: readonly TimelineMessage[];
  highlighted: boolean;
}) {
  const { message } = row;
  const onRetry = useCallback(
    (m: TimelineMessage) => void useMessages.getState().retry(conversationId, m.id),
    [conversationId],
  );
  const onDiscard = useCallback(
    (m: TimelineMessage) => useMessages.getState().discard(conversationId, m.id),
    [conversationId],
  );
  const target = message.replyToId ? findMessage(messages, message.replyToId) : undefined;
  const replyTo = !message.replyToId
    ? null
    : target
      ? { name: target.senderId === myId ? 'You' : nameOf(target.senderId), message: target }
      : { name: 'Reply', text: 'Original message not loaded' };
  return (
    <MessageBubble
      message={message}
      mine={message.senderId === myId}
      senderName={row.showSender ? nameOf(message.senderId) : null}
      timeZone={timeZone}
      myId={myId}
      highlighted={highlighted}
      replyTo={replyTo}
      media={message.media ? renderMedia(message, isAlbumRow(row) ? row.album : undefined) : null}
      onReply={onReply}
      onReact={onReact}
      onRetry={onRetry}
      onDiscard={onDiscard}
    />
  );
}
