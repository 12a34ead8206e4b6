import { dayKey } from '../../../lib/time';
import type { TimelineMessage } from '../merge';

/** What the timeline draws: a day separator, or a message (with its sender's name in groups). */
export type Row =
  | { kind: 'day'; key: string; at: string }
  | { kind: 'message'; key: string; message: TimelineMessage; showSender: boolean }
  /** A server-written line (group created, member added, title changed...): timeline-event.tsx. */
  | { kind: 'event'; key: string; message: TimelineMessage };

/**
 * The rows for a timeline: a separator where the day changes (in the reader's zone), and the
 * sender's name over the first of a run of someone else's messages in a group. Keys stay the same
 * when a confirmed message replaces its optimistic copy (the `clientId`), so its row is kept.
 */
export function timelineRows(
  messages: readonly TimelineMessage[],
  { timeZone, isGroup, myId }: { timeZone: string; isGroup: boolean; myId: string },
): Row[] {
  const out: Row[] = [];
  let lastDay = '';
  let lastSender = '';
  for (const message of messages) {
    const day = dayKey(message.createdAt, timeZone);
    if (day !== lastDay) {
      out.push({ kind: 'day', key: `day:${day}`, at: message.createdAt });
      lastDay = day;
      lastSender = '';
    }
    if (message.contentType === 'event') {
      // A centred line, not a bubble: the next message names its sender again.
      out.push({ kind: 'event', key: message.id, message });
      lastSender = '';
      continue;
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
}
