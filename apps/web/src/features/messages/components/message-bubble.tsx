import { memo, type ReactNode } from 'react';
import { Button } from '../../../components/ui/button';
import { CheckIcon, ClockIcon, DoubleCheckIcon, LockIcon, ReplyIcon, TimerIcon } from '../../../components/ui/icons';
import { useOpened, type OpenableMessage, type Opened } from '../../../lib/e2ee';
import { FormattedText } from '../../../lib/format/formatted-text';
import { quoteText } from '../../../lib/message-codec';
import { formatClock, formatDateTime } from '../../../lib/time';
import type { TimelineMessage } from '../merge';
import { useSearchHighlight } from '../search/store';
import {
  DeletedText,
  DeleteMessageDialog,
  EditedMark,
  MessageEditor,
  MessageMenu,
  openMenuOnContextMenu,
  useChangeState,
} from './message-actions';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

export interface MessageBubbleProps {
  message: TimelineMessage;
  mine: boolean;
  senderName: string | null;
  timeZone: string;
  myId: string;
  /** The quoted message (opened here, as it is rendered), or a fixed text when it is not loaded. */
  replyTo: { name: string; message: OpenableMessage } | { name: string; text: string } | null;
  highlighted: boolean;
  media: ReactNode;
  onReply: (message: TimelineMessage) => void;
  onReact: (message: TimelineMessage, emoji: string) => void;
  onRetry: (message: TimelineMessage) => void;
  onDiscard: (message: TimelineMessage) => void;
}

function StatusMark({ message }: { message: TimelineMessage }) {
  if (message.localStatus === 'sending') {
    return <ClockIcon size={14} className="msg-status" aria-label="Sending" role="img" />;
  }
  if (message.localStatus === 'failed') return null;
  if (message.messageStatus === 'read') {
    return <DoubleCheckIcon size={16} className="msg-status msg-status-read" aria-label="Read" role="img" />;
  }
  if (message.messageStatus === 'delivered') {
    return <DoubleCheckIcon size={16} className="msg-status" aria-label="Delivered" role="img" />;
  }
  return <CheckIcon size={14} className="msg-status" aria-label="Sent" role="img" />;
}

/** The message's words as opened on this device, or what stands in for them, and why. */
function MessageText({ opened, highlight }: { opened: Opened | null; highlight?: string }) {
  if (!opened) {
    return (
      <div className="msg-text msg-opening" aria-busy="true">
        <span className="sr-only">Opening…</span>
        <span aria-hidden="true">…</span>
      </div>
    );
  }
  if (opened.state === 'unreadable') {
    return (
      <div className={`msg-text msg-unreadable msg-unreadable-${opened.reason}`} role="note">
        <LockIcon size={14} aria-hidden="true" /> {opened.notice}
      </div>
    );
  }
  if (!opened.text && opened.state === 'opened') return null;
  return (
    <div className="msg-text">
      <FormattedText text={opened.text} highlight={highlight} />
      {opened.state === 'legacy' ? (
        <small className="not-encrypted-mark" title="Sent before Herald encrypted messages end to end">
          Not encrypted
        </small>
      ) : null}
    </div>
  );
}

function ReplyQuote({ replyTo }: { replyTo: NonNullable<MessageBubbleProps['replyTo']> }) {
  const deleted = 'message' in replyTo && Boolean((replyTo.message as { deletedAt?: string | null }).deletedAt);
  const opened = useOpened('message' in replyTo && !deleted ? replyTo.message : null);
  return (
    <div className="msg-reply-quote">
      <strong>{replyTo.name}</strong>
      <span>{deleted ? 'Deleted message' : 'message' in replyTo ? quoteText(opened) : replyTo.text}</span>
    </div>
  );
}

function MessageBubbleView({
  message,
  mine,
  senderName,
  timeZone,
  myId,
  replyTo,
  highlighted,
  media,
  onReply,
  onReact,
  onRetry,
  onDiscard,
}: MessageBubbleProps) {
  const deleted = Boolean(message.deletedAt);
  const opened = useOpened(deleted ? null : message);
  const change = useChangeState(message.id);
  const highlight = useSearchHighlight(message.conversationId);
  const counts = new Map<string, { count: number; mine: boolean }>();
  for (const r of message.reactions) {
    const entry = counts.get(r.emoji) ?? { count: 0, mine: false };
    counts.set(r.emoji, { count: entry.count + 1, mine: entry.mine || r.userId === myId });
  }
  return (
    <div
      className={`msg ${mine ? 'msg-mine' : 'msg-theirs'} ${highlighted ? 'msg-highlight' : ''} ${message.localStatus ? `msg-local msg-${message.localStatus}` : ''}`}
      data-message-id={message.id}
      onContextMenu={openMenuOnContextMenu(message)}
    >
      <div className="msg-bubble">
        {senderName ? <div className="msg-sender">{senderName}</div> : null}
        {replyTo ? <ReplyQuote replyTo={replyTo} /> : null}
        {opened?.state === 'unreadable' || deleted ? null : media}
        {deleted ? (
          <DeletedText />
        ) : change.editing ? (
          <MessageEditor message={message} opened={opened} />
        ) : (
          <MessageText opened={opened} highlight={highlight} />
        )}
        {mine && message.scheduledTime ? (
          // The sender's own copy always says when it was meant for and when it went (issue 13).
          <p className="msg-scheduled msg-scheduled-note" data-testid="scheduled-note">
            <ClockIcon size={12} /> Scheduled for {formatDateTime(message.scheduledTime, timeZone)}, sent at{' '}
            {formatClock(message.createdAt, timeZone)}
          </p>
        ) : null}
        <div className="msg-meta">
          {message.scheduledMessageId && !mine ? (
            // Recipients see this only when the sender chose to show it (the server says null otherwise).
            <span
              className="msg-scheduled"
              title={
                message.scheduledTime ? `Scheduled for ${formatDateTime(message.scheduledTime, timeZone)}` : 'Scheduled'
              }
            >
              <ClockIcon size={12} /> scheduled
            </span>
          ) : null}
          {message.expiresAt ? <TimerIcon size={12} aria-label="Disappearing message" role="img" /> : null}
          {message.editedAt && !deleted ? <EditedMark editedAt={message.editedAt} /> : null}
          <time dateTime={message.createdAt}>{formatClock(message.createdAt, timeZone)}</time>
          {mine ? <StatusMark message={message} /> : null}
        </div>
      </div>
      {message.localStatus === 'failed' ? (
        <div className="msg-failed" role="alert">
          <span>{message.localError ? `Not sent: ${message.localError}` : 'Not sent.'}</span>
          <span className="msg-failed-actions">
            <Button size="sm" variant="ghost" onClick={() => onRetry(message)}>
              Retry
            </Button>
            <Button size="sm" variant="ghost" onClick={() => onDiscard(message)}>
              Discard
            </Button>
          </span>
        </div>
      ) : null}
      {counts.size > 0 && !deleted ? (
        <div className="msg-reactions">
          {[...counts].map(([emoji, { count, mine: reacted }]) => (
            <button
              key={emoji}
              type="button"
              className={`reaction ${reacted ? 'reaction-mine' : ''}`}
              aria-pressed={reacted}
              aria-label={`${emoji} ${count}${reacted ? ', including you' : ''}`}
              onClick={() => onReact(message, emoji)}
            >
              {emoji} {count > 1 ? count : ''}
            </button>
          ))}
        </div>
      ) : null}
      {change.deleting ? <DeleteMessageDialog message={message} myId={myId} /> : null}
      {message.localStatus ? null : deleted ? (
        <div className="msg-actions">
          <MessageMenu message={message} myId={myId} />
        </div>
      ) : (
        <div className="msg-actions">
          <button
            type="button"
            className="icon-btn icon-btn-sm"
            aria-label="Reply"
            title="Reply"
            onClick={() => onReply(message)}
          >
            <ReplyIcon size={16} />
          </button>
          {QUICK_REACTIONS.map((emoji) => (
            <button
              key={emoji}
              type="button"
              className="icon-btn icon-btn-sm"
              aria-label={`React ${emoji}`}
              onClick={() => onReact(message, emoji)}
            >
              {emoji}
            </button>
          ))}
          <MessageMenu message={message} myId={myId} />
        </div>
      )}
    </div>
  );
}

export const MessageBubble = memo(MessageBubbleView);
