import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { MAX_TEXT_LENGTH } from '@herald/shared';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { DotsIcon } from '../../../components/ui/icons';
import { toast } from '../../../components/ui/toast-store';
import type { Opened } from '../../../lib/e2ee';
import { errorMessage } from '../../../lib/http';
import {
  canDeleteForEveryone,
  canEdit,
  deleteForEveryone,
  deleteForMe,
  editMessage,
  isChangeable,
  useMessageChanges,
} from '../changes';
import type { TimelineMessage } from '../merge';

/*
 * What a bubble shows and offers for editing and deleting (docs/web.md "Edit and delete"): the
 * "More" menu of the hover toolbar (also opened by a right click or a long press on the bubble),
 * the in-place editor with its "Editing" bar, the delete dialog, the "edited" mark and the
 * tombstone of a message deleted for everyone.
 */

/** "edited", beside the time; its title says when. */
export function EditedMark({ editedAt }: { editedAt: string }) {
  return (
    <span className="msg-edited" title={`Edited ${new Date(editedAt).toLocaleString()}`}>
      edited
    </span>
  );
}

/** A message deleted for everyone, in its place. */
export function DeletedText() {
  return <div className="msg-text msg-deleted">This message was deleted</div>;
}

/** Opens this message's menu on a right click (a long press on touch screens fires the same event). */
export function openMenuOnContextMenu(message: TimelineMessage) {
  return (event: React.MouseEvent) => {
    if (!isChangeable(message)) return;
    // A right click inside the editor or on a link keeps the browser's own menu.
    if ((event.target as HTMLElement).closest('textarea, a, input')) return;
    event.preventDefault();
    useMessageChanges.getState().openMenu(message.id);
  };
}

/** The "More" button of the toolbar and its menu: Edit (my own, within the window), Delete. */
export function MessageMenu({ message, myId }: { message: TimelineMessage; myId: string }) {
  const open = useMessageChanges((s) => s.menuFor === message.id);
  const list = useRef<HTMLUListElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    list.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (event: MouseEvent | TouchEvent) => {
      if (!list.current?.contains(event.target as Node) && !button.current?.contains(event.target as Node)) {
        useMessageChanges.getState().openMenu(null);
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('touchstart', onDown);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('touchstart', onDown);
    };
  }, [open]);

  if (!isChangeable(message)) return null;
  const items = [
    ...(canEdit(message, myId)
      ? [{ label: 'Edit', run: () => useMessageChanges.getState().startEdit(message.id) }]
      : []),
    { label: 'Delete…', run: () => useMessageChanges.getState().startDelete(message.id), danger: true },
  ];

  function onListKey(event: KeyboardEvent) {
    const entries = [...(list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const index = entries.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const delta = event.key === 'ArrowDown' ? 1 : -1;
      entries[(index + delta + entries.length) % entries.length]?.focus();
    } else if (event.key === 'Escape' || event.key === 'Tab') {
      event.stopPropagation();
      useMessageChanges.getState().openMenu(null);
      button.current?.focus();
    }
  }

  return (
    <div className="menu msg-menu">
      <button
        ref={button}
        type="button"
        className="icon-btn icon-btn-sm"
        aria-label="More actions"
        title="More actions"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => useMessageChanges.getState().openMenu(open ? null : message.id)}
      >
        <DotsIcon size={16} />
      </button>
      {open ? (
        <ul
          ref={list}
          className="menu-list msg-menu-list"
          role="menu"
          aria-label="Message actions"
          onKeyDown={onListKey}
        >
          {items.map((item) => (
            <li key={item.label} role="none">
              <button
                type="button"
                role="menuitem"
                className={`menu-item ${item.danger ? 'menu-item-danger' : ''}`}
                onClick={item.run}
              >
                {item.label}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * The message's text in an editor, in place, under an "Editing" bar: Enter saves (Shift+Enter is a
 * new line), Escape cancels. A photo's or video's caption is sealed again with the same file key.
 */
export function MessageEditor({ message, opened }: { message: TimelineMessage; opened: Opened | null }) {
  const original = opened && opened.state !== 'unreadable' ? opened.text : '';
  const media = opened?.state === 'opened' ? opened.media : null;
  const [text, setText] = useState(original);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const node = field.current;
    if (!node) return;
    node.focus();
    node.setSelectionRange(node.value.length, node.value.length);
  }, []);

  const cancel = () => useMessageChanges.getState().close();
  const empty = !text.trim() && !media;
  const tooLong = text.length > MAX_TEXT_LENGTH;

  async function save() {
    if (busy || empty || tooLong) return;
    if (text === original) {
      cancel();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await editMessage(message, text, media);
      cancel();
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  }

  return (
    <form
      className="msg-editor"
      aria-label="Edit message"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <div className="msg-editor-bar">
        <strong>Editing</strong>
        <span>Enter to save · Esc to cancel</span>
      </div>
      <textarea
        ref={field}
        className="msg-editor-field"
        aria-label="Message text"
        value={text}
        rows={Math.min(8, Math.max(2, text.split('\n').length))}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            event.stopPropagation();
            cancel();
          } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            void save();
          }
        }}
      />
      {error ? (
        <p className="msg-editor-error" role="alert">
          {error}
        </p>
      ) : tooLong ? (
        <p className="msg-editor-error" role="alert">
          {`At most ${MAX_TEXT_LENGTH.toLocaleString()} characters.`}
        </p>
      ) : null}
      <div className="msg-editor-actions">
        <Button size="sm" variant="ghost" onClick={cancel}>
          Cancel
        </Button>
        <Button size="sm" variant="primary" type="submit" busy={busy} disabled={empty || tooLong}>
          Save
        </Button>
      </div>
    </form>
  );
}

/** "Delete for me" always; "Delete for everyone" for my own message while the window is open. */
export function DeleteMessageDialog({ message, myId }: { message: TimelineMessage; myId: string }) {
  const [busy, setBusy] = useState<'me' | 'everyone' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const forEveryone = canDeleteForEveryone(message, myId);
  const close = () => useMessageChanges.getState().close();

  async function run(scope: 'me' | 'everyone') {
    setBusy(scope);
    setError(null);
    try {
      if (scope === 'everyone') await deleteForEveryone(message);
      else await deleteForMe(message);
      close();
      toast.info(scope === 'everyone' ? 'Deleted for everyone' : 'Deleted for you');
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(null);
    }
  }

  return (
    <Dialog
      title="Delete message?"
      onClose={close}
      size="sm"
      description={
        forEveryone
          ? 'Delete for everyone removes it from this chat for every member; it shows as “This message was deleted”.'
          : 'It will be removed from this chat on your devices only.'
      }
    >
      <div className="delete-message-options">
        {forEveryone ? (
          <Button
            variant="danger"
            busy={busy === 'everyone'}
            disabled={busy !== null}
            onClick={() => void run('everyone')}
          >
            Delete for everyone
          </Button>
        ) : null}
        <Button
          variant={forEveryone ? 'secondary' : 'danger'}
          busy={busy === 'me'}
          disabled={busy !== null}
          onClick={() => void run('me')}
        >
          Delete for me
        </Button>
        <Button variant="ghost" disabled={busy !== null} onClick={close} data-autofocus>
          Cancel
        </Button>
      </div>
      {error ? (
        <p className="delete-message-error" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}

/** The editor and the dialog for this message, when open: subscribed per bubble, one at a time. */
export function useChangeState(messageId: string): { editing: boolean; deleting: boolean } {
  const editing = useMessageChanges((s) => s.editing === messageId);
  const deleting = useMessageChanges((s) => s.deleting === messageId);
  return { editing, deleting };
}
