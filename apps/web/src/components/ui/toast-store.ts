import { create } from 'zustand';
import { registerReset } from '../../lib/resets';

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'success' | 'error';
  action?: { label: string; onAction: () => void };
  durationMs: number;
  /**
   * Toasts with the same key replace each other: only one Undo is offered at a time (a toast whose
   * action is Undo has the key 'undo' unless it says otherwise), and the one replaced is then final.
   */
  exclusive?: string;
}

type NewToast = Omit<Toast, 'id' | 'tone' | 'durationMs'> & Partial<Pick<Toast, 'tone' | 'durationMs'>>;

interface ToastState {
  toasts: Toast[];
  show: (toast: NewToast) => number;
  dismiss: (id: number) => void;
}

/** At most this many toasts at once (the oldest goes). */
const MAX_TOASTS = 3;

let nextId = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();
registerReset(() => {
  for (const timer of timers.values()) clearTimeout(timer);
  timers.clear();
  nextId = 1;
});

/** Toasts confirm actions; one with an action (Undo) stays for its duration. */
export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  show: (toast) => {
    const id = nextId++;
    const exclusive = toast.exclusive ?? (toast.action?.label === 'Undo' ? 'undo' : undefined);
    const full: Toast = { tone: 'info', durationMs: 4000, ...toast, ...(exclusive ? { exclusive } : {}), id };
    const replaced = exclusive ? get().toasts.filter((t) => t.exclusive === exclusive) : [];
    for (const old of replaced) {
      clearTimeout(timers.get(old.id));
      timers.delete(old.id);
    }
    const kept = get().toasts.filter((t) => !replaced.includes(t));
    for (const old of kept.slice(0, Math.max(0, kept.length - (MAX_TOASTS - 1)))) {
      clearTimeout(timers.get(old.id));
      timers.delete(old.id);
    }
    set({ toasts: [...kept.slice(-(MAX_TOASTS - 1)), full] });
    timers.set(
      id,
      setTimeout(() => get().dismiss(id), full.durationMs),
    );
    return id;
  },
  dismiss: (id) => {
    clearTimeout(timers.get(id));
    timers.delete(id);
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
}));

export const toast = {
  info: (text: string) => useToasts.getState().show({ text }),
  success: (text: string) => useToasts.getState().show({ text, tone: 'success' }),
  error: (text: string) => useToasts.getState().show({ text, tone: 'error', durationMs: 6000 }),
  /** The one Undo on screen: a newer one replaces it (whose action is then final). */
  undo: (text: string, onUndo: () => void, durationMs: number, tone: Toast['tone'] = 'info') =>
    useToasts.getState().show({ text, tone, durationMs, action: { label: 'Undo', onAction: onUndo } }),
};

/**
 * Keeps toasts above `element` (the composer): its top edge, measured as it moves or resizes,
 * becomes the toasts' bottom offset (`--toasts-bottom` on the root element) until unmounted.
 */
export function keepToastsAbove(element: HTMLElement): () => void {
  const root = document.documentElement;
  const place = () => {
    const top = element.getBoundingClientRect().top;
    const viewport = window.visualViewport?.height ?? window.innerHeight;
    root.style.setProperty('--toasts-bottom', `${Math.max(12, Math.round(viewport - top + 12))}px`);
  };
  place();
  const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(place);
  observer?.observe(element);
  window.addEventListener('resize', place);
  window.visualViewport?.addEventListener('resize', place);
  return () => {
    observer?.disconnect();
    window.removeEventListener('resize', place);
    window.visualViewport?.removeEventListener('resize', place);
    root.style.removeProperty('--toasts-bottom');
  };
}
