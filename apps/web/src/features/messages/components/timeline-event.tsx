import { memo } from 'react';
import { formatClock } from '../../../lib/time';
import { timelineEventText } from '../../../lib/timeline-event-text';
import type { TimelineMessage } from '../merge';

/** How the chat names a sender now (use-name-of.ts): a fallback phrase for someone no longer a member. */
const NOT_A_MEMBER = /^Former member$| \(left\)$/;

export interface TimelineEventLineProps {
  message: TimelineMessage;
  myId: string;
  timeZone: string;
  nameOf: (userId: string) => string;
  highlighted?: boolean;
}

/**
 * A server-written line of the timeline ("Ana added Ben", "You renamed the group “Climbing”"):
 * centred and muted, with its time on hover and for screen readers; no bubble, no toolbar (it
 * cannot be replied to, reacted to, edited or deleted).
 */
export const TimelineEventLine = memo(function TimelineEventLine({
  message,
  myId,
  timeZone,
  nameOf,
  highlighted = false,
}: TimelineEventLineProps) {
  const text = timelineEventText(message, myId, (userId) => {
    const name = nameOf(userId);
    return NOT_A_MEMBER.test(name) ? undefined : name;
  });
  const time = formatClock(message.createdAt, timeZone);
  return (
    <div
      className={`timeline-event${highlighted ? ' highlighted' : ''}`}
      role="note"
      data-message-id={message.id}
      data-event-kind={message.event?.kind}
    >
      <span className="timeline-event-text" title={time}>
        {text}
        <span className="sr-only">{`, ${time}`}</span>
      </span>
    </div>
  );
});
