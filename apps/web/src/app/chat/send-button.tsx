import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { ChevronUpIcon, ScheduleSendIcon, SendIcon } from '../../components/ui/icons';
import { toast } from '../../components/ui/toast-store';
import type { SendControl } from '../../features/messages/components/composer';
import { quickPicks, type QuickPick } from '../../features/scheduling/quick-picks';

/** How long Send is held before its schedule menu opens (Telegram's long press). */
export const LONG_PRESS_MS = 500;

export interface SendButtonProps {
  send: SendControl;
  timeZone: string;
  /** Quick picks start no sooner than this (GET /api/config). */
  pickerMinLeadSeconds: number;
  /** "Schedule message…": the schedule dialog. */
  onScheduleDialog: () => void;
  /** A quick pick: scheduled at once (with Undo). */
  onSchedule: (at: Date) => void;
}

/** Why scheduling is not possible now, in words (null: it is). */
function scheduleBlockedText(send: SendControl): string | null {
  if (!send.blocked) return null;
  return send.blocked.reason === 'empty'
    ? 'Write a message or attach a photo or video to schedule it.'
    : 'This message is too long to schedule; shorten it first.';
}

/**
 * One send button with a schedule option, as Slack (the small arrow beside Send) and Telegram
 * (long press or right click on Send) have it. The menu offers "Schedule message…" (the dialog)
 * and the quick picks; it opens upwards, takes the arrow keys, Home and End, and Escape or Tab
 * close it and give focus back to the arrow.
 */
export function SendButton({ send, timeZone, pickerMinLeadSeconds, onScheduleDialog, onSchedule }: SendButtonProps) {
  const [open, setOpen] = useState(false);
  const [picks, setPicks] = useState<QuickPick[]>([]);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const arrow = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const press = useRef<{ timer: ReturnType<typeof setTimeout> | null; opened: boolean }>({
    timer: null,
    opened: false,
  });
  const blockedText = scheduleBlockedText(send);

  function openMenu(focusFirst = true) {
    setPicks(quickPicks(new Date(), timeZone, pickerMinLeadSeconds * 1000));
    setOpen(true);
    if (focusFirst) requestAnimationFrame(() => list.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus());
  }

  function close(focusArrow: boolean) {
    setOpen(false);
    if (focusArrow) arrow.current?.focus();
  }

  useEffect(() => {
    if (!open) return;
    const onDown = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);

  useEffect(
    () => () => {
      if (press.current.timer) clearTimeout(press.current.timer);
    },
    [],
  );

  function choose(action: () => void) {
    setOpen(false);
    if (blockedText) {
      toast.info(blockedText);
      return;
    }
    action();
  }

  function onMenuKey(event: KeyboardEvent<HTMLUListElement>) {
    const entries = [...(list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const index = entries.indexOf(document.activeElement as HTMLElement);
    const focus = (i: number) => entries[(i + entries.length) % entries.length]?.focus();
    if (event.key === 'ArrowDown') focus(index + 1);
    else if (event.key === 'ArrowUp') focus(index - 1);
    else if (event.key === 'Home') focus(0);
    else if (event.key === 'End') focus(entries.length - 1);
    else if (event.key === 'Escape') close(true);
    else if (event.key === 'Tab') {
      setOpen(false);
      return;
    } else return;
    event.preventDefault();
  }

  const cancelPress = () => {
    if (press.current.timer) clearTimeout(press.current.timer);
    press.current.timer = null;
  };

  return (
    <div className="send-split" ref={root}>
      <button
        type="button"
        className="icon-btn send-btn"
        aria-label="Send"
        title={send.blocked?.reason === 'too_long' ? send.title : 'Send (hold or right-click to schedule)'}
        disabled={send.blocked !== null}
        onClick={() => {
          // The click that ends a long press only opened the menu.
          if (press.current.opened) {
            press.current.opened = false;
            return;
          }
          send.submit();
        }}
        onPointerDown={(event) => {
          if (event.button !== 0) return;
          press.current.opened = false;
          cancelPress();
          press.current.timer = setTimeout(() => {
            press.current.timer = null;
            press.current.opened = true;
            openMenu();
          }, LONG_PRESS_MS);
        }}
        onPointerUp={cancelPress}
        onPointerLeave={cancelPress}
        onPointerCancel={cancelPress}
        onContextMenu={(event) => {
          event.preventDefault();
          cancelPress();
          openMenu();
        }}
      >
        <SendIcon />
      </button>
      <button
        ref={arrow}
        type="button"
        className="send-more"
        aria-label="Schedule options"
        title="Schedule options"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => (open ? close(false) : openMenu(false))}
        onKeyDown={(event) => {
          if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
            event.preventDefault();
            openMenu();
          } else if (event.key === 'Escape' && open) {
            event.preventDefault();
            close(true);
          }
        }}
      >
        <ChevronUpIcon size={16} />
      </button>
      {open ? (
        <ul ref={list} id={menuId} className="send-menu" role="menu" aria-label="Send later" onKeyDown={onMenuKey}>
          <li role="none">
            <button
              type="button"
              role="menuitem"
              className="send-menu-item send-menu-main"
              aria-disabled={blockedText ? true : undefined}
              onClick={() => choose(onScheduleDialog)}
            >
              <ScheduleSendIcon size={18} />
              <span>Schedule message…</span>
            </button>
          </li>
          {picks.length ? (
            <li role="separator" className="send-menu-sep">
              Send later
            </li>
          ) : null}
          {picks.map((pick) => (
            <li key={pick.id} role="none">
              <button
                type="button"
                role="menuitem"
                className="send-menu-item"
                aria-disabled={blockedText ? true : undefined}
                onClick={() => choose(() => onSchedule(pick.at))}
              >
                <span>{pick.label}</span>
                <small>{pick.detail}</small>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
