import { create } from 'zustand';
import type { ScheduledMessage } from '@herald/shared';
import { errorMessage, isApiError } from '../../lib/http';
import { registerReset } from '../../lib/resets';
import {
  conversationKeys,
  onKeysChanged,
  useKeyState,
  openContent,
  primeOpened,
  sendSealed,
  type SealableContent,
} from '../../lib/e2ee';
import { schedulingApi } from './api';
import { readerGap } from './reader-gap';
import { useScheduling } from './store';

/**
 * Pending scheduled messages follow the conversation's members (DESIGN section 7): whenever the
 * member list changes (or a member's keys change) while I have messages pending there, this tab
 * opens my own copy of each, seals it again for the current members and saves it with its version
 * (a PUT of `content` + `version`). On version_conflict it reloads the message and tries once more;
 * on recipients_mismatch `sendSealed` refreshes the keys and seals once more. Until that has
 * happened, the scheduled list says "N new members can't read this yet" (reader-gap.ts) and offers
 * the same thing in one click.
 */

export interface ResealStatus {
  busy: boolean;
  /** Why the last attempt failed, in a sentence (the list shows it next to the button). */
  error: string | null;
}

export const useReseal = create<{ byId: Record<string, ResealStatus> }>()(() => ({ byId: {} }));

function setStatus(id: string, status: ResealStatus | null): void {
  useReseal.setState((s) => {
    const byId = { ...s.byId };
    if (status) byId[id] = status;
    else delete byId[id];
    return { byId };
  });
}

/** One reseal per message at a time; a later request waits for the running one, then checks again. */
const running = new Map<string, Promise<ScheduledMessage | null>>();
registerReset(() => running.clear());

export type ResealOutcome = ScheduledMessage | null;

/**
 * Seals `item` again for the current members when someone can't read it or the recipients are
 * stale (always, with `force`: a member's keys changed). Returns the saved message, or null when
 * nothing needed doing. Throws a sentence-bearing error when it cannot be done.
 */
async function resealOnce(item: ScheduledMessage, force: boolean): Promise<ResealOutcome> {
  if (item.status !== 'pending') return null;
  let keys: Awaited<ReturnType<typeof conversationKeys>>;
  try {
    keys = await conversationKeys(item.conversationId);
  } catch (error) {
    // No longer a member (or the chat is gone): delivery will fail with its own reason.
    if (isApiError(error, 'not_found')) return null;
    throw error;
  }
  const gap = readerGap(item.content, keys.members);
  // Legacy rows (not an envelope) are left as they were stored.
  if (!gap) return null;
  if (!force && !gap.stale && gap.cannotRead.length === 0) return null;
  const opened = await openContent(item);
  if (opened.state !== 'opened') {
    throw new Error(
      opened.state === 'unreadable'
        ? `It could not be re-encrypted on this device: ${opened.notice}`
        : 'It was stored before encryption and cannot be re-encrypted.',
    );
  }
  const content: SealableContent = opened.media ? { text: opened.text, media: opened.media } : { text: opened.text };
  return sendSealed(item.conversationId, item.contentType, content, async (envelope) => {
    // What this device just sealed needs no second opening.
    primeOpened({ ...item, content: envelope }, content);
    const updated = await schedulingApi.update(item.id, { content: envelope, version: item.version });
    useScheduling.getState().upsert(updated, 'live');
    return updated;
  });
}

async function resealWithRetry(item: ScheduledMessage, force: boolean): Promise<ResealOutcome> {
  try {
    return await resealOnce(item, force);
  } catch (error) {
    if (!isApiError(error, 'version_conflict')) throw error;
  }
  // Changed meanwhile (an edit on another device, or another tab re-sealed it): reload, once.
  const fresh = await schedulingApi.get(item.id);
  useScheduling.getState().upsert(fresh, 'load');
  return resealOnce(fresh, force);
}

/** Re-seal one scheduled message (the "Encrypt for them" button, and the automatic path). */
export function resealScheduled(id: string, options: { force?: boolean } = {}): Promise<ResealOutcome> {
  const previous = running.get(id) ?? Promise.resolve(null);
  const next = previous
    .catch(() => null)
    .then(async () => {
      const item = useScheduling.getState().byId[id];
      if (!item || item.status !== 'pending') return null;
      setStatus(id, { busy: true, error: null });
      try {
        const result = await resealWithRetry(item, options.force ?? false);
        setStatus(id, null);
        return result;
      } catch (error) {
        setStatus(id, { busy: false, error: errorMessage(error) });
        throw error;
      }
    });
  running.set(id, next);
  void next
    .catch(() => null)
    .finally(() => {
      if (running.get(id) === next) running.delete(id);
    });
  return next;
}

/** My pending scheduled messages in a conversation (or all). */
function pendingOf(myId: string, conversationId?: string): ScheduledMessage[] {
  return Object.values(useScheduling.getState().byId).filter(
    (item) =>
      item.status === 'pending' &&
      item.senderId === myId &&
      (conversationId === undefined || item.conversationId === conversationId),
  );
}

/** Re-seal, quietly, every pending message of mine in a conversation that needs it. */
export async function resealConversation(
  myId: string,
  conversationId: string,
  options: { force?: boolean } = {},
): Promise<void> {
  await Promise.allSettled(pendingOf(myId, conversationId).map((item) => resealScheduled(item.id, options)));
}

const DEBOUNCE_MS = 250;
/** After a failed re-seal: tried again in 30 s, 1 min, 2 min, 4 min, 8 min. */
const RETRY_BASE_MS = 30_000;
const MAX_RETRIES = 5;

/**
 * Starts the automatic path for the signed-in user: membership and key changes (the key
 * directory's `onKeysChanged`, which app/wiring.ts also feeds with member lists changed by a reload)
 * re-seal the pending messages concerned after a short pause (a burst of joins costs one pass).
 * It also loads my pending messages once, so that changes made while no device of mine was online
 * are caught up, and looks again when the keys are unlocked. Returns `stop`, and `request` to ask
 * for a pass over one conversation.
 */
export function startAutoReseal(myId: string): {
  stop: () => void;
  request: (conversationId: string, force?: boolean, delay?: number) => void;
} {
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const forced = new Set<string>();
  let stopped = false;

  const failures = new Map<string, number>();
  /** A re-seal that failed (offline, server busy) is tried again later, less and less often. */
  const retryLater = (conversationId: string) => {
    const failed = pendingOf(myId, conversationId).some((item) => useReseal.getState().byId[item.id]?.error);
    if (!failed) {
      failures.delete(conversationId);
      return;
    }
    const count = (failures.get(conversationId) ?? 0) + 1;
    failures.set(conversationId, count);
    if (count <= MAX_RETRIES) request(conversationId, false, RETRY_BASE_MS * 2 ** (count - 1));
  };

  const request = (conversationId: string, force = false, delay = DEBOUNCE_MS) => {
    if (stopped) return;
    if (force) forced.add(conversationId);
    clearTimeout(timers.get(conversationId));
    timers.set(
      conversationId,
      setTimeout(() => {
        timers.delete(conversationId);
        const isForced = forced.delete(conversationId);
        void resealConversation(myId, conversationId, { force: isForced }).then(() => retryLater(conversationId));
      }, delay),
    );
  };

  const offKeys = onKeysChanged((change) => {
    if (change.kind === 'members') {
      request(change.conversationId);
      return;
    }
    // Someone's keys changed: what was sealed for their old key is useless to them. My own keys
    // changing (another device) is not this: my copy is then unreadable here anyway.
    if (change.keys.userId === myId) return;
    const conversations = new Set(pendingOf(myId).map((item) => item.conversationId));
    for (const conversationId of conversations) {
      void conversationKeys(conversationId)
        .then((keys) => {
          if (keys.members.some((m) => m.userId === change.keys.userId)) request(conversationId, true);
        })
        .catch(() => {});
    }
  });

  // Keys opened on this device (after the unlock screen): what could not be opened before can now.
  const offUnlock = useKeyState.subscribe((state, previous) => {
    if (state.status === 'unlocked' && previous.status !== 'unlocked') {
      for (const conversationId of new Set(pendingOf(myId).map((item) => item.conversationId))) request(conversationId);
    }
  });

  // Catch up: my pending messages (any conversation), each checked once.
  void schedulingApi
    .list({ status: 'pending' })
    .then((items) => {
      if (stopped) return;
      for (const item of items) useScheduling.getState().upsert(item, 'load');
      for (const conversationId of new Set(items.filter((i) => i.senderId === myId).map((i) => i.conversationId))) {
        request(conversationId);
      }
    })
    .catch(() => {});

  return {
    request,
    stop: () => {
      stopped = true;
      offKeys();
      offUnlock();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
