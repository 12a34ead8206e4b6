import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { CloseIcon } from './icons';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  /** 'sheet' slides from the bottom on phones. */
  size?: 'sm' | 'md' | 'lg';
  description?: string;
}

/**
 * Open dialogs, newest last. Escape normally reaches the panel's own handler; but when the focused
 * element inside a dialog is removed (the person just added from a search list), focus falls back
 * to the page body and the panel would never hear Escape: then the newest dialog closes.
 */
const openDialogs: object[] = [];

const FIELD = 'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled])';

/**
 * Where focus starts: an element marked `data-autofocus`, else the first field of the body (what the
 * person came to fill in), else its first button or link, else the footer's; the header's close
 * button only when there is nothing else.
 */
export function initialFocus(panel: HTMLElement | null): HTMLElement | null {
  if (!panel) return null;
  const content = [...panel.querySelectorAll<HTMLElement>('.dialog-body, .dialog-footer')];
  return (
    panel.querySelector<HTMLElement>('[data-autofocus]') ??
    content.map((part) => part.querySelector<HTMLElement>(FIELD)).find(Boolean) ??
    content.map((part) => part.querySelector<HTMLElement>(FOCUSABLE)).find(Boolean) ??
    panel.querySelector<HTMLElement>(FOCUSABLE)
  );
}

/**
 * A modal dialog: focus moves in on open (initialFocus) and back on close, Tab stays inside,
 * Escape closes.
 */
export function Dialog({ title, onClose, children, footer, size = 'md', description }: DialogProps) {
  const titleId = useId();
  const descriptionId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const node = panel.current;
    (initialFocus(node) ?? node)?.focus();
    return () => previous?.focus?.();
  }, []);

  useEffect(() => {
    const entry = {};
    openDialogs.push(entry);
    const onDocumentKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || openDialogs.at(-1) !== entry) return;
      const active = document.activeElement;
      if (active && active !== document.body && active.closest('[role="dialog"]')) return; // the panel's own
      onCloseRef.current();
    };
    document.addEventListener('keydown', onDocumentKeyDown);
    return () => {
      document.removeEventListener('keydown', onDocumentKeyDown);
      openDialogs.splice(openDialogs.indexOf(entry), 1);
    };
  }, []);

  function onKeyDown(event: React.KeyboardEvent) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onCloseRef.current();
      return;
    }
    if (event.key !== 'Tab' || !panel.current) return;
    const items = [...panel.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return createPortal(
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onCloseRef.current();
      }}
    >
      <div
        ref={panel}
        className={`dialog dialog-${size}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={() => onCloseRef.current()}>
            <CloseIcon />
          </button>
        </header>
        {description ? (
          <p id={descriptionId} className="dialog-description">
            {description}
          </p>
        ) : null}
        <div className="dialog-body">{children}</div>
        {footer ? <footer className="dialog-footer">{footer}</footer> : null}
      </div>
    </div>,
    document.body,
  );
}
