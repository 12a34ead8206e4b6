import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDownIcon } from '../../../components/ui/icons';
import { dayKey, dayLabel } from '../../../lib/time';
import { useNow } from '../../../lib/use-now';
import type { TimelineMessage } from '../merge';
import { findMessage } from '../order';
import { emptyTimeline, useMessages } from '../store';
import { MessageBubble } from './message-bubble';

export interface TimelineProps {
  conversationId: string;
  myId: string;
  timeZone: string;
  isGroup: boolean;
  nameOf: (userId: string) => string;
  renderMedia: (message: TimelineMessage) => ReactNode;
  onReply: (message: TimelineMessage) => void;
  onReact: (message: TimelineMessage, emoji: string) => void;
  /** Scroll to this message (e.g. "View message" from the scheduled list). */
  focusMessageId?: string | null;
  /** Called when the newest messages are on screen (mark read). */
  onSeeLatest?: () => void;
}

type Row =
  | { kind: 'day'; key: string; at: string }
  | { kind: 'message'; key: string; message: TimelineMessage; showSender: boolean };

const NEAR_BOTTOM_PX = 120;
const NEAR_TOP_PX = 400;

/**
 * The virtualised timeline: only the rows on screen are in the DOM, so 10,000 messages scroll as
 * smoothly as 10. Older pages load when the top comes near, keeping what is on screen in place;
 * new messages follow the bottom only when the reader is already there (no jumps).
 */
export function Timeline(props: TimelineProps) {
  const {
    conversationId,
    myId,
    timeZone,
    isGroup,
    nameOf,
    renderMedia,
    onReply,
    onReact,
    focusMessageId,
    onSeeLatest,
  } = props;
  const timeline = useMessages((s) => s.timelines[conversationId] ?? emptyTimeline);
  const loadOlder = useMessages((s) => s.loadOlder);
  const retry = useMessages((s) => s.retry);
  const discard = useMessages((s) => s.discard);
  const scroller = useRef<HTMLDivElement>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [unseenBelow, setUnseenBelow] = useState(0);
  const [highlight, setHighlight] = useState<string | null>(null);
  // Day labels are worded at render ("Today" moves on at midnight with the chat left open).
  const now = useNow(60_000);

  const rows = useMemo<Row[]>(() => {
    const out: Row[] = [];
    let lastDay = '';
    let lastSender = '';
    for (const message of timeline.messages) {
      const day = dayKey(message.createdAt, timeZone);
      if (day !== lastDay) {
        out.push({ kind: 'day', key: `day:${day}`, at: message.createdAt });
        lastDay = day;
        lastSender = '';
      }
      out.push({
        kind: 'message',
        key: message.clientId ?? message.id,
        message,
        showSender: isGroup && message.senderId !== myId && message.senderId !== lastSender,
      });
      lastSender = message.senderId;
    }
    return out;
  }, [timeline.messages, timeZone, isGroup, myId]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => (rows[index]?.kind === 'day' ? 44 : 72),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 8,
    paddingStart: 12,
    paddingEnd: 12,
  });

  // Keep the view anchored when older messages are prepended, and follow the bottom when the
  // reader is there.
  const previous = useRef<{ firstKey: string | null; lastKey: string | null; total: number; count: number }>({
    firstKey: null,
    lastKey: null,
    total: 0,
    count: 0,
  });
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
  }, [rows, virtualizer, atBottom, myId]);

  useEffect(() => {
    if (atBottom) {
      setUnseenBelow(0);
      onSeeLatest?.();
    }
  }, [atBottom, onSeeLatest, timeline.messages.length]);

  // Jump to a message: load older pages until it is there, then centre and highlight it.
  useEffect(() => {
    if (!focusMessageId || !timeline.loaded) return;
    const index = rows.findIndex((r) => r.kind === 'message' && r.message.id === focusMessageId);
    if (index >= 0) {
      virtualizer.scrollToIndex(index, { align: 'center' });
      setHighlight(focusMessageId);
      const timer = setTimeout(() => setHighlight(null), 2500);
      return () => clearTimeout(timer);
    }
    if (timeline.nextCursor && !timeline.loadingOlder) void loadOlder(conversationId);
    return undefined;
  }, [
    focusMessageId,
    rows,
    timeline.loaded,
    timeline.nextCursor,
    timeline.loadingOlder,
    virtualizer,
    loadOlder,
    conversationId,
  ]);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    if (bottom !== atBottom) setAtBottom(bottom);
    if (el.scrollTop < NEAR_TOP_PX && timeline.nextCursor && !timeline.loadingOlder) void loadOlder(conversationId);
  }

  const items = virtualizer.getVirtualItems();
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
          {items.map((item) => {
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
                ) : (
                  <MessageBubble
                    message={row.message}
                    mine={row.message.senderId === myId}
                    senderName={row.showSender ? nameOf(row.message.senderId) : null}
                    timeZone={timeZone}
                    myId={myId}
                    highlighted={highlight === row.message.id}
                    replyTo={(() => {
                      const target = row.message.replyToId
                        ? findMessage(timeline.messages, row.message.replyToId)
                        : undefined;
                      if (!row.message.replyToId) return null;
                      return target
                        ? { name: target.senderId === myId ? 'You' : nameOf(target.senderId), message: target }
                        : { name: 'Reply', text: 'Original message not loaded' };
                    })()}
                    media={row.message.media ? renderMedia(row.message) : null}
                    onReply={onReply}
                    onReact={onReact}
                    onRetry={(m) => void retry(conversationId, m.id)}
                    onDiscard={(m) => discard(conversationId, m.id)}
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
