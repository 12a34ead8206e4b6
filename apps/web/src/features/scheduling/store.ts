import { create } from 'zustand';
import type { CreateScheduledBody, Message, ScheduledMessage, ScheduledStatus } from '@herald/shared';
import { toast } from '../../components/ui/toast-store';
import { errorMessage } from '../../lib/http';
import { registerReset } from '../../lib/resets';
import { schedulingApi } from './api';

/**
 * A scheduled message changed status because something happened (not because a list was loaded):
 * the app uses this to keep the conversations' "N scheduled" counts and the failure badge live.
 */
export type ScheduledTransition = (previous: ScheduledStatus | undefined, next: ScheduledMessage) => void;
const transitionListeners = new Set<ScheduledTransition>();
export function onScheduledTransition(listener: ScheduledTransition): () => void {
  transitionListeners.add(listener);
  return () => transitionListeners.delete(listener);
}

/** How long Undo is offered after Cancel. */
export const UNDO_MS = 5000;

/**
 * Whether `incoming` is a later state than `existing`. Events and REST answers can cross on the
 * wire, so the store keeps the most advanced copy: a sent message never changes again; otherwise
 * a higher version wins (a restore brings a cancelled or failed message back to pending one
 * version later); at equal version a finished copy beats a pending one (a failure), and then the
 * later update wins.
 */
export function isNewer(existing: ScheduledMessage | undefined, incoming: ScheduledMessage): boolean {
  if (!existing) return true;
  if (existing.status === 'sent') return false;
  if (incoming.status === 'sent') return true;
  if (incoming.version !== existing.version) return incoming.version > existing.version;
  if (existing.status !== 'pending' && incoming.status === 'pending') return false;
  if (existing.status === 'pending' && incoming.status !== 'pending') return true;
  return incoming.updatedAt >= existing.updatedAt;
}

interface SchedulingState {
  byId: Record<string, ScheduledMessage>;
  /** Lists fetched: 'all' or a conversation id. */
  loaded: Record<string, boolean>;
  /** Cancels waiting for their Undo window to end: id -> when the DELETE goes out (ms epoch). */
  cancelling: Record<string, number>;

  load: (conversationId?: string) => Promise<void>;
  /** `live`: it just happened (event or my action), so counts move; `load`: a list answer. */
  upsert: (scheduled: ScheduledMessage, source?: 'live' | 'load') => void;
  create: (body: CreateScheduledBody) => Promise<ScheduledMessage>;
  update: (id: string, patch: { content?: string; scheduledTime?: string }) => Promise<ScheduledMessage>;
  /** A cancelled message back (its time still ahead, or a new one), or a failed one rescheduled. */
  restore: (id: string, patch?: { content?: string; scheduledTime?: string }) => Promise<ScheduledMessage>;
  sendNow: (id: string) => Promise<{ scheduledMessage: ScheduledMessage; message: Message }>;
  dismiss: (id: string) => Promise<void>;
  /**
   * Cancel with Undo. The DELETE is delayed until the Undo window ends (see docs/web.md): undoing
   * then costs nothing and cannot fail, keeps the same id, time and quota slot, and other tabs
   * never see a cancel that was taken back. Returns the undo function, or null when the message is
   * due before the window would end (then it is cancelled at once).
   */
  cancelWithUndo: (id: string, windowMs?: number) => (() => void) | null;
  /** Send every delayed cancel now (page is closing). */
  flushCancels: () => void;
  markFailuresSeen: () => Promise<void>;
}

const cancelTimers = new Map<string, ReturnType<typeof setTimeout>>();
registerReset(() => {
  for (const timer of cancelTimers.values()) clearTimeout(timer);
  cancelTimers.clear();
});

export const useScheduling = create<SchedulingState>()((set, get) => {
  async function commitCancel(id: string, keepalive = false) {
    clearTimeout(cancelTimers.get(id));
    cancelTimers.delete(id);
    try {
      const result = await schedulingApi.cancel(id, keepalive);
      get().upsert(result, 'live');
    } catch (error) {
      toast.error(`Could not cancel: ${errorMessage(error)}`);
    } finally {
      set((s) => {
        const cancelling = { ...s.cancelling };
        delete cancelling[id];
        return { cancelling };
      });
    }
  }

  return {
    byId: {},
    loaded: {},
    cancelling: {},

    load: async (conversationId) => {
      const list = await schedulingApi.list({ conversationId });
      for (const item of list) get().upsert(item, 'load');
      set((s) => ({ loaded: { ...s.loaded, [conversationId ?? 'all']: true } }));
    },

    upsert: (scheduled, source = 'live') => {
      const existing = get().byId[scheduled.id];
      if (!isNewer(existing, scheduled)) return;
      // Live events carry no conversation title: keep the one a list brought.
      const merged =
        scheduled.conversationTitle === undefined && existing?.conversationTitle !== undefined
          ? { ...scheduled, conversationTitle: existing.conversationTitle }
          : scheduled;
      set((s) => ({ byId: { ...s.byId, [scheduled.id]: merged } }));
      if (source === 'live' && existing?.status !== scheduled.status) {
        for (const listener of transitionListeners) listener(existing?.status, scheduled);
      }
    },

    create: async (body) => {
      const created = await schedulingApi.create(body);
      get().upsert(created, 'live');
      return created;
    },

    update: async (id, patch) => {
      const current = get().byId[id];
      const updated = await schedulingApi.update(id, { ...patch, version: current?.version });
      get().upsert(updated, 'live');
      return updated;
    },

    restore: async (id, patch = {}) => {
      const current = get().byId[id];
      if (!current) throw new Error('This scheduled message is not loaded.');
      const restored = await schedulingApi.restore(id, { ...patch, version: current.version });
      get().upsert(restored, 'live');
      return restored;
    },

    sendNow: async (id) => {
      const result = await schedulingApi.sendNow(id);
      get().upsert(result.scheduledMessage, 'live');
      return result;
    },

    dismiss: async (id) => {
      await schedulingApi.dismiss(id);
      set((s) => {
        const byId = { ...s.byId };
        delete byId[id];
        return { byId };
      });
    },

    cancelWithUndo: (id, windowMs = UNDO_MS) => {
      const item = get().byId[id];
      const dueIn = item ? Date.parse(item.scheduledTime) - Date.now() : Infinity;
      if (dueIn < windowMs + 2000) {
        set((s) => ({ cancelling: { ...s.cancelling, [id]: Date.now() } }));
        void commitCancel(id);
        return null;
      }
      set((s) => ({ cancelling: { ...s.cancelling, [id]: Date.now() + windowMs } }));
      cancelTimers.set(
        id,
        setTimeout(() => void commitCancel(id), windowMs),
      );
      return () => {
        clearTimeout(cancelTimers.get(id));
        cancelTimers.delete(id);
        set((s) => {
          const cancelling = { ...s.cancelling };
          delete cancelling[id];
          return { cancelling };
        });
      };
    },

    flushCancels: () => {
      for (const id of [...cancelTimers.keys()]) void commitCancel(id, true);
    },

    markFailuresSeen: async () => {
      await schedulingApi.failuresSeen();
    },
  };
});

const STATUS_ORDER: Record<ScheduledStatus, number> = { pending: 0, failed: 1, sent: 2, cancelled: 2 };

/** Upcoming first (soonest first), then failures, then history (most recent first). */
export function sortScheduled(items: ScheduledMessage[]): ScheduledMessage[] {
  return [...items].sort((a, b) => {
    const rank = STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
    if (rank !== 0) return rank;
    if (a.status === 'pending')
      return a.scheduledTime < b.scheduledTime ? -1 : a.scheduledTime > b.scheduledTime ? 1 : 0;
    return a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0;
  });
}
