import { lazy, Suspense, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { CloseIcon, SendIcon, SmileIcon } from '../../../components/ui/icons';
import { contentLength, formatCharacters, nearLimit, sendBlocker, type SendBlocker } from '../limits';
import { useMessages } from '../store';

const EmojiPanel = lazy(() => import('./emoji-panel'));

export interface ComposerProps {
  conversationId: string;
  /** When set, the composer is read-only and says why. */
  disabledReason?: string | null;
  onSend: (text: string) => void;
  onTyping?: (typing: boolean) => void;
  replyTo?: { name: string; text: string } | null;
  onCancelReply?: () => void;
  /** Rendered left of the text box (attach). */
  start?: ReactNode;
  /** Rendered right of the emoji button. */
  end?: ReactNode;
  /**
   * Draws the send button instead of the plain one (the chat screen's Send with its schedule
   * menu): `submit` sends what the box holds, `blocked` says why it cannot (null: it can).
   */
  renderSend?: (send: SendControl) => ReactNode;
  /** Rendered above the input row (attachment preview, upload progress). */
  above?: ReactNode;
  /** Send is allowed with no text (an attachment is ready). */
  canSendEmpty?: boolean;
  /** The limit on what a person may type in one message (GET /api/config `maxTextLength`). */
  maxLength: number;
}

export interface SendControl {
  submit: () => void;
  /** Why nothing can be sent now (empty, too long), or null. */
  blocked: SendBlocker | null;
  title: string;
}

const TYPING_REFRESH_MS = 3000;
const TYPING_IDLE_MS = 4000;

/**
 * "I am typing", sent at most every few seconds while typing, and "stopped" after a pause, on
 * sending, or when the box loses focus.
 */
function useTypingSignal(conversationId: string, onTyping: ((typing: boolean) => void) | undefined) {
  const typing = useRef<{ last: number; idle: ReturnType<typeof setTimeout> | null }>({ last: 0, idle: null });

  useEffect(() => {
    const state = typing.current;
    return () => {
      if (state.idle) clearTimeout(state.idle);
    };
  }, [conversationId]);

  function stopTyping() {
    const state = typing.current;
    if (state.idle) clearTimeout(state.idle);
    state.idle = null;
    if (state.last) onTyping?.(false);
    state.last = 0;
  }

  function noteTyping() {
    if (!onTyping) return;
    const state = typing.current;
    const now = Date.now();
    if (now - state.last > TYPING_REFRESH_MS) {
      onTyping(true);
      state.last = now;
    }
    if (state.idle) clearTimeout(state.idle);
    state.idle = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  return { noteTyping, stopTyping };
}

function ReplyBar({ replyTo, onCancel }: { replyTo: { name: string; text: string }; onCancel?: () => void }) {
  return (
    <div className="composer-reply">
      <div className="composer-reply-text">
        <strong>Replying to {replyTo.name}</strong>
        <span>{replyTo.text}</span>
      </div>
      <button type="button" className="icon-btn icon-btn-sm" aria-label="Cancel reply" onClick={onCancel}>
        <CloseIcon size={16} />
      </button>
    </div>
  );
}

/** The emoji picker (a lazy chunk); Escape closes it. */
function EmojiPopover({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  return (
    <div className="emoji-popover" onKeyDown={(event) => event.key === 'Escape' && onClose()}>
      <Suspense fallback={<div className="emoji-loading muted">Loading emoji…</div>}>
        <EmojiPanel onPick={onPick} />
      </Suspense>
    </div>
  );
}

/** The message box: Enter sends, Shift+Enter breaks the line; emoji picker on demand. */
export function Composer({
  conversationId,
  disabledReason,
  onSend,
  onTyping,
  replyTo,
  onCancelReply,
  start,
  end,
  above,
  canSendEmpty,
  maxLength,
  renderSend,
}: ComposerProps) {
  const text = useMessages((s) => s.drafts[conversationId] ?? '');
  const setDraft = useMessages((s) => s.setDraft);
  const refusal = useMessages((s) => s.refusals[conversationId]);
  const clearRefusal = useMessages((s) => s.clearRefusal);
  const [emojiOpen, setEmojiOpen] = useState(false);
  const limitId = useId();
  const length = contentLength(text);
  const blocker = sendBlocker(text, Boolean(canSendEmpty), maxLength);
  const input = useRef<HTMLTextAreaElement>(null);
  const { noteTyping, stopTyping } = useTypingSignal(conversationId, onTyping);
  const sendTitle = blocker?.reason === 'too_long' ? 'This message is too long to send' : 'Send';

  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
  }, [text]);

  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);

  function submit() {
    const value = text.trim();
    if (blocker) return;
    onSend(value);
    setDraft(conversationId, '');
    stopTyping();
    setEmojiOpen(false);
  }

  function insertEmoji(emoji: string) {
    const el = input.current;
    const startAt = el?.selectionStart ?? text.length;
    const endAt = el?.selectionEnd ?? text.length;
    setDraft(conversationId, text.slice(0, startAt) + emoji + text.slice(endAt));
    if (refusal) clearRefusal(conversationId);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(startAt + emoji.length, startAt + emoji.length);
    });
  }

  if (disabledReason) {
    return (
      <div className="composer composer-disabled" role="note">
        {disabledReason}
      </div>
    );
  }

  return (
    <div className="composer">
      {replyTo ? <ReplyBar replyTo={replyTo} onCancel={onCancelReply} /> : null}
      {above}
      {refusal ? (
        <p className="composer-error" role="alert">
          Not sent: {refusal}
        </p>
      ) : null}
      {emojiOpen ? (
        <EmojiPopover
          onPick={insertEmoji}
          onClose={() => {
            setEmojiOpen(false);
            input.current?.focus();
          }}
        />
      ) : null}
      <div className="composer-row">
        {start}
        <textarea
          ref={input}
          className="composer-input"
          rows={1}
          placeholder="Message"
          aria-label="Message"
          aria-describedby={nearLimit(length, maxLength) ? limitId : undefined}
          aria-invalid={blocker?.reason === 'too_long' ? true : undefined}
          value={text}
          onChange={(event) => {
            setDraft(conversationId, event.target.value);
            if (refusal) clearRefusal(conversationId);
            if (event.target.value) noteTyping();
            else stopTyping();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              submit();
            }
            if (event.key === 'Escape' && replyTo) onCancelReply?.();
          }}
          onBlur={stopTyping}
        />
        <button
          type="button"
          className="icon-btn"
          aria-label={emojiOpen ? 'Close emoji picker' : 'Emoji'}
          title="Emoji"
          aria-expanded={emojiOpen}
          onClick={() => setEmojiOpen((open) => !open)}
        >
          <SmileIcon />
        </button>
        {end}
        {renderSend ? (
          renderSend({ submit, blocked: blocker, title: sendTitle })
        ) : (
          <button
            type="button"
            className="icon-btn send-btn"
            aria-label="Send"
            title={sendTitle}
            disabled={blocker !== null}
            onClick={submit}
          >
            <SendIcon />
          </button>
        )}
      </div>
      {nearLimit(length, maxLength) ? (
        <p
          id={limitId}
          className={`composer-limit ${blocker?.reason === 'too_long' ? 'is-over' : ''}`}
          data-testid="composer-limit"
        >
          {blocker?.reason === 'too_long' ? blocker.text : `${formatCharacters(maxLength - length)} left.`}
        </p>
      ) : null}
    </div>
  );
}
