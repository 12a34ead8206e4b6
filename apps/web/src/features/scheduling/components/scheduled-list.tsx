import { useEffect, useMemo, useState } from 'react';
import type { ConversationKeys, ScheduledMessage } from '@herald/shared';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import {
  ChatScheduledIcon,
  ClockIcon,
  ImageIcon,
  LockIcon,
  ReplyIcon,
  ScheduledAllIcon,
} from '../../../components/ui/icons';
import { toast } from '../../../components/ui/toast-store';
import { conversationKeys, onKeysChanged, primeOpened, sendSealed, useOpened, type Opened } from '../../../lib/e2ee';
import { errorMessage } from '../../../lib/http';
import { formatDateTime, relativeTime, toRfc3339 } from '../../../lib/time';
import { useNow } from '../../../lib/use-now';
import { cannotReadText, readerGap } from '../reader-gap';
import { resealScheduled, useReseal } from '../reseal';
import { statusView } from '../status';
import { sortScheduled, UNDO_MS, useScheduling } from '../store';
import { ScheduleDialog, type ScheduleRecipient } from './schedule-dialog';

export interface ScheduledListProps {
  /** One conversation, or every conversation when absent (the global view). */
  conversationId?: string;
  timeZone: string;
  pickerMinLeadSeconds: number;
  maxHorizonDays: number;
  /** Global view: which chat each item belongs to. */
  conversationName?: (item: ScheduledMessage) => string;
  recipientOf?: (conversationId: string) => ScheduleRecipient | null;
  /** The message a scheduled reply answers, when it is loaded (null: not loaded, or gone). */
  replyPreviewOf?: (item: ScheduledMessage) => { name: string; text: string } | null;
  onOpenMessage: (conversationId: string, messageId: string) => void;
  /** A failed or cancelled message's words back in its chat's composer (the app wires it). */
  onCopyToComposer?: (conversationId: string, text: string) => void;
}

/** The words of a scheduled message as this device reads them (my own copy of what I sealed). */
function textOf(opened: Opened | null): string {
  if (!opened) return '';
  return opened.state === 'unreadable' ? '' : opened.text;
}

function contentPreview(item: ScheduledMessage, opened: Opened | null): string {
  if (!opened) return 'Opening…';
  if (opened.state === 'unreadable') return opened.notice;
  const text = textOf(opened);
  if (item.contentType === 'image') return `📷 ${text || 'Photo'}${item.isOneTimeMedia ? ' (one-time)' : ''}`;
  if (item.contentType === 'video') return `🎬 ${text || 'Video'}${item.isOneTimeMedia ? ' (one-time)' : ''}`;
  return text;
}

/** The scheduled messages, live: status badges, reasons, and every action with clear outcomes. */
export function ScheduledList(props: ScheduledListProps) {
  const { conversationId } = props;
  const byId = useScheduling((s) => s.byId);
  const loaded = useScheduling((s) => s.loaded[conversationId ?? 'all'] ?? false);
  const load = useScheduling((s) => s.load);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    load(conversationId).catch((err: unknown) => setError(errorMessage(err)));
  }, [load, conversationId]);

  const items = useMemo(
    () => sortScheduled(Object.values(byId).filter((i) => !conversationId || i.conversationId === conversationId)),
    [byId, conversationId],
  );
  const upcoming = items.filter((i) => i.status === 'pending');
  const history = items.filter((i) => i.status !== 'pending');

  if (error) {
    return (
      <p className="form-error" role="alert">
        {error}
      </p>
    );
  }
  if (!loaded && items.length === 0) return <p className="muted list-empty">Loading scheduled messages…</p>;
  if (items.length === 0) {
    return (
      <div className="scheduled-empty">
        {conversationId ? <ChatScheduledIcon size={32} /> : <ScheduledAllIcon size={32} />}
        <p>Nothing scheduled{conversationId ? ' in this chat' : ''}.</p>
        <p className="muted">
          Write a message, then press the arrow beside Send (or hold Send) and pick when it goes out.
        </p>
      </div>
    );
  }
  return (
    <div className="scheduled-list">
      {upcoming.length ? (
        <section aria-label="Upcoming">
          <h3 className="scheduled-heading">Upcoming · {upcoming.length}</h3>
          <ul>
            {upcoming.map((item) => (
              <ScheduledItem key={item.id} item={item} {...props} />
            ))}
          </ul>
        </section>
      ) : null}
      {history.length ? (
        <section aria-label="History">
          <h3 className="scheduled-heading">History</h3>
          <ul>
            {history.map((item) => (
              <ScheduledItem key={item.id} item={item} {...props} />
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

function ScheduledItem({
  item,
  timeZone,
  pickerMinLeadSeconds,
  maxHorizonDays,
  conversationName,
  recipientOf,
  replyPreviewOf,
  onOpenMessage,
  onCopyToComposer,
}: ScheduledListProps & { item: ScheduledMessage }) {
  const reply = item.replyToId ? (replyPreviewOf?.(item) ?? null) : null;
  const now = useNow(15_000);
  // Actions only, read when called: subscribing to the whole store drew every row on any change.
  const store = useScheduling.getState();
  const cancelling = useScheduling((s) => s.cancelling[item.id] !== undefined);
  const opened = useOpened(item);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [rescheduling, setRescheduling] = useState(false);
  /** A failed message being edited: its new words wait for a new time (the dialog). */
  const [retryText, setRetryText] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const view = statusView(item);
  const pending = item.status === 'pending' && !cancelling;
  const when = item.status === 'sent' && item.sentAt ? item.sentAt : item.scheduledTime;
  // A cancelled message comes back at its own time while that is still ahead.
  const restorable = item.status === 'cancelled' && Date.parse(item.scheduledTime) > now + pickerMinLeadSeconds * 1000;
  const readable = opened !== null && opened.state !== 'unreadable';

  async function act(name: string, action: () => Promise<unknown>, done?: string) {
    setBusy(name);
    setError(null);
    try {
      await action();
      if (done) toast.success(done);
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(null);
    }
  }

  function cancel() {
    const undo = store.cancelWithUndo(item.id, UNDO_MS);
    if (!undo) {
      toast.info('Scheduled message cancelled');
      return;
    }
    // The one Undo on screen: a newer one replaces it, and this cancel is then final.
    toast.undo('Scheduled message cancelled', undo, UNDO_MS);
  }

  return (
    <li
      className={`scheduled-item status-${item.status} ${cancelling ? 'is-cancelling' : ''}`}
      data-scheduled-id={item.id}
    >
      <div className="scheduled-item-head">
        <Badge tone={cancelling ? 'neutral' : view.tone}>{cancelling ? 'Cancelling…' : view.label}</Badge>
        <span className="scheduled-when">
          <ClockIcon size={14} />
          <time dateTime={when}>{formatDateTime(when, timeZone, now)}</time>
        </span>
        {item.status === 'pending' || restorable ? (
          <span className="scheduled-relative">{relativeTime(item.scheduledTime, now)}</span>
        ) : null}
        {conversationName ? <span className="scheduled-chat muted">{conversationName(item)}</span> : null}
      </div>

      {item.replyToId ? (
        <p className="scheduled-reply" data-testid="scheduled-reply">
          <ReplyIcon size={14} aria-hidden="true" />
          {reply ? (
            <span>
              Replying to <strong>{reply.name}</strong>: {reply.text}
            </span>
          ) : (
            <span>Replying to an earlier message</span>
          )}
        </p>
      ) : null}

      {editing ? (
        <form
          className="scheduled-edit"
          onSubmit={(event) => {
            event.preventDefault();
            if (!draft.trim() && item.contentType === 'text') {
              setError('A text message cannot be empty.');
              return;
            }
            const media = opened?.state === 'opened' ? opened.media : null;
            const content = media ? { text: draft.trim(), media } : { text: draft.trim() };
            // An edit is sealed again on this device, for the current members (once more by
            // itself if they changed meanwhile: 409 recipients_mismatch).
            void act(
              'edit',
              () =>
                sendSealed(item.conversationId, item.contentType, content, (envelope) => {
                  // Primed first: the edited row shows the new words at once, without opening them.
                  primeOpened({ ...item, content: envelope }, content);
                  return store.update(item.id, { content: envelope });
                }),
              'Message updated',
            ).then((ok) => ok && setEditing(false));
          }}
        >
          <textarea
            aria-label="Message text"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            rows={3}
            autoFocus
          />
          <div className="scheduled-actions">
            <Button size="sm" onClick={() => setEditing(false)}>
              Discard
            </Button>
            <Button size="sm" variant="primary" type="submit" busy={busy === 'edit'}>
              Save
            </Button>
          </div>
        </form>
      ) : (
        <p className="scheduled-content">
          {item.mediaId ? <ImageIcon size={14} aria-hidden="true" /> : null}{' '}
          <span>{contentPreview(item, opened) || <em>(no text)</em>}</span>
          {opened?.state === 'legacy' ? <small className="not-encrypted-mark">Not encrypted</small> : null}
        </p>
      )}

      {item.status === 'pending' && !cancelling ? <ReaderGapRow item={item} /> : null}

      {view.detail && !cancelling ? (
        <p
          className={`scheduled-reason ${item.status === 'failed' ? 'is-failed' : ''}`}
          role={item.status === 'failed' ? 'note' : undefined}
        >
          {view.detail}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}

      {!editing ? (
        <div className="scheduled-actions">
          {pending ? (
            <>
              <Button
                size="sm"
                disabled={!opened || opened.state === 'unreadable'}
                onClick={() => {
                  setDraft(textOf(opened));
                  setEditing(true);
                }}
              >
                Edit
              </Button>
              <Button size="sm" onClick={() => setRescheduling(true)}>
                Reschedule
              </Button>
              <Button
                size="sm"
                busy={busy === 'send'}
                onClick={() =>
                  void act(
                    'send',
                    async () => {
                      // Members who joined since it was sealed get a key first (when possible).
                      await resealScheduled(item.id).catch(() => null);
                      return store.sendNow(item.id);
                    },
                    'Sent',
                  )
                }
              >
                Send now
              </Button>
              <Button size="sm" variant="danger" onClick={cancel}>
                Cancel
              </Button>
            </>
          ) : null}
          {item.status === 'sent' && item.messageId ? (
            <Button size="sm" variant="ghost" onClick={() => onOpenMessage(item.conversationId, item.messageId!)}>
              View message
            </Button>
          ) : null}
          {restorable ? (
            <Button
              size="sm"
              variant="primary"
              busy={busy === 'restore'}
              onClick={() =>
                void act(
                  'restore',
                  () => store.restore(item.id),
                  `Scheduled again for ${formatDateTime(item.scheduledTime, timeZone)}`,
                )
              }
            >
              Restore
            </Button>
          ) : null}
          {item.status === 'failed' ? (
            <>
              <Button size="sm" disabled={!readable} onClick={() => setRetryText(textOf(opened))}>
                Edit and reschedule
              </Button>
              <Button size="sm" onClick={() => setRescheduling(true)}>
                Reschedule
              </Button>
            </>
          ) : null}
          {(item.status === 'failed' || item.status === 'cancelled') && onCopyToComposer && readable ? (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                onCopyToComposer(item.conversationId, textOf(opened));
                toast.info('Copied into the message box.');
              }}
            >
              Copy to message box
            </Button>
          ) : null}
          {item.status === 'failed' ? (
            <Button
              size="sm"
              variant="ghost"
              busy={busy === 'dismiss'}
              onClick={() => void act('dismiss', () => store.dismiss(item.id))}
            >
              Dismiss
            </Button>
          ) : null}
        </div>
      ) : null}

      {retryText !== null && !rescheduling ? (
        <form
          className="scheduled-edit"
          onSubmit={(event) => {
            event.preventDefault();
            if (!retryText.trim() && item.contentType === 'text') {
              setError('A text message cannot be empty.');
              return;
            }
            setError(null);
            setRescheduling(true);
          }}
        >
          <textarea
            aria-label="Message text"
            value={retryText}
            onChange={(e) => setRetryText(e.target.value)}
            rows={3}
            autoFocus
          />
          <div className="scheduled-actions">
            <Button size="sm" onClick={() => setRetryText(null)}>
              Discard
            </Button>
            <Button size="sm" variant="primary" type="submit">
              Pick a time…
            </Button>
          </div>
        </form>
      ) : null}

      {rescheduling ? (
        <ScheduleDialog
          title="Reschedule"
          submitLabel="Reschedule"
          timeZone={timeZone}
          recipient={recipientOf?.(item.conversationId) ?? null}
          pickerMinLeadSeconds={pickerMinLeadSeconds}
          maxHorizonDays={maxHorizonDays}
          initial={new Date(item.scheduledTime)}
          contentPreview={retryText ?? contentPreview(item, opened)}
          onClose={() => setRescheduling(false)}
          onSubmit={async (at) => {
            const scheduledTime = toRfc3339(at);
            if (item.status === 'pending') await store.update(item.id, { scheduledTime });
            else if (retryText !== null) {
              // New words for a failed message: sealed again on this device for the current members.
              const media = opened?.state === 'opened' ? opened.media : null;
              const content = media ? { text: retryText.trim(), media } : { text: retryText.trim() };
              await sendSealed(item.conversationId, item.contentType, content, (envelope) => {
                primeOpened({ ...item, content: envelope }, content);
                return store.restore(item.id, { content: envelope, scheduledTime });
              });
            } else await store.restore(item.id, { scheduledTime });
            setRescheduling(false);
            setRetryText(null);
            toast.success(`Rescheduled for ${formatDateTime(at, timeZone)}`);
          }}
        />
      ) : null}
    </li>
  );
}

/** The current members' keys of a conversation, kept fresh as members and keys change. */
function useConversationKeys(conversationId: string): ConversationKeys | null {
  const [keys, setKeys] = useState<ConversationKeys | null>(null);
  useEffect(() => {
    let live = true;
    const fetchKeys = () =>
      conversationKeys(conversationId)
        .then((k) => live && setKeys(k))
        .catch(() => {});
    void fetchKeys();
    const off = onKeysChanged((change) => {
      if (change.kind === 'user' || change.conversationId === conversationId) void fetchKeys();
    });
    return () => {
      live = false;
      off();
    };
  }, [conversationId]);
  return keys;
}

/**
 * "N new members can't read this yet": members who joined after this message was sealed hold no
 * key for it. This tab re-seals by itself (reseal.ts); until it has, the button does it now.
 */
function ReaderGapRow({ item }: { item: ScheduledMessage }) {
  const keys = useConversationKeys(item.conversationId);
  const status = useReseal((s) => s.byId[item.id]);
  const gap = keys && keys.conversationId === item.conversationId ? readerGap(item.content, keys.members) : null;
  if (!gap || gap.cannotRead.length === 0) return null;
  return (
    <div className="scheduled-readers" role="note" data-testid="reader-gap">
      <LockIcon size={14} aria-hidden="true" />
      <span>{cannotReadText(gap.cannotRead.length)}</span>
      <Button
        size="sm"
        variant="primary"
        busy={status?.busy ?? false}
        onClick={() => void resealScheduled(item.id).catch(() => {})}
      >
        Encrypt for them
      </Button>
      {status?.error ? (
        <small className="form-error" role="alert">
          Not encrypted for them yet: {status.error}
        </small>
      ) : null}
    </div>
  );
}
