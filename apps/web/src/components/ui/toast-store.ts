import { create } from 'zustand';
import { registerReset } from '../../lib/resets';

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'success' | 'error';
  action?: { label: string; onAction: () => void };
  durationMs: number;
}

interface ToastState {
  toasts: Toast[];
  show: (toast: Omit<Toast, 'id' | 'tone' | 'durationMs'> & Partial<Pick<Toast, 'tone' | 'durationMs'>>) => number;
  dismiss: (id: number) => void;
}

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
    const full: Toast = { tone: 'info', durationMs: 4000, ...toast, id };
    set({ toasts: [...get().toasts.slice(-3), full] });
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
};
