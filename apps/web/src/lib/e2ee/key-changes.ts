import { create } from 'zustand';
import type { PublicKeysView } from '@herald/shared';
import { onWipe, useKeyState } from './key-state';

/**
 * "X's security key changed": the public keys seen for each contact are remembered (in memory and
 * in localStorage, as a short fingerprint of the PUBLIC keys only; nothing secret), first sight
 * trusted. When the directory or a user_keys_changed event later shows other keys for someone
 * seen before, a notice is raised for that person until it is dismissed or they are verified.
 */
export interface KeyChangeNotice {
  userId: string;
  /** When this device noticed it (ms epoch). */
  at: number;
}

interface KeyChangesState {
  changed: Record<string, KeyChangeNotice>;
}

export const useKeyChanges = create<KeyChangesState>()(() => ({ changed: {} }));

const STORAGE_PREFIX = 'herald.seenKeys.';
let seen: Map<string, string> | null = null;
let seenFor: string | null = null;

function storageKey(myId: string): string {
  return `${STORAGE_PREFIX}${myId}`;
}

function seenMap(myId: string): Map<string, string> {
  if (seen && seenFor === myId) return seen;
  seenFor = myId;
  seen = new Map();
  try {
    const raw = localStorage.getItem(storageKey(myId));
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (parsed && typeof parsed === 'object') {
      for (const [userId, fingerprint] of Object.entries(parsed as Record<string, unknown>)) {
        if (typeof fingerprint === 'string') seen.set(userId, fingerprint);
      }
    }
  } catch {
    // Unreadable storage: start afresh (first sight again).
  }
  return seen;
}

function persist(myId: string, map: Map<string, string>): void {
  try {
    localStorage.setItem(storageKey(myId), JSON.stringify(Object.fromEntries(map)));
  } catch {
    // Storage full or refused: the memory copy still warns for this page's lifetime.
  }
}

/** A short, stable fingerprint of a user's two public keys (public data; not a safety number). */
export function fingerprintOf(keys: { x25519PublicKey: string; ed25519PublicKey: string }): string {
  // The keys are already uniformly random base64url; a prefix of each identifies them well enough
  // to notice a change (the safety number is what people compare to be sure).
  return `${keys.x25519PublicKey.slice(0, 16)}.${keys.ed25519PublicKey.slice(0, 16)}`;
}

/**
 * Someone's keys as the directory or an event shows them. Returns true when they differ from the
 * keys seen before for them (and raises the notice).
 */
export function observeKeys(view: PublicKeysView): boolean {
  const myId = useKeyState.getState().userId;
  if (!myId || view.userId === myId || !view.x25519PublicKey || !view.ed25519PublicKey) return false;
  const map = seenMap(myId);
  const fingerprint = fingerprintOf({ x25519PublicKey: view.x25519PublicKey, ed25519PublicKey: view.ed25519PublicKey });
  const before = map.get(view.userId);
  if (before === fingerprint) return false;
  map.set(view.userId, fingerprint);
  persist(myId, map);
  if (before === undefined) return false;
  useKeyChanges.setState((s) => ({
    changed: { ...s.changed, [view.userId]: { userId: view.userId, at: Date.now() } },
  }));
  return true;
}

/** The person compared safety numbers, or closed the notice. */
export function dismissKeyChange(userId: string): void {
  useKeyChanges.setState((s) => {
    if (!s.changed[userId]) return s;
    const changed = { ...s.changed };
    delete changed[userId];
    return { changed };
  });
}

onWipe(() => {
  // The seen fingerprints stay in localStorage (public data, per account): a change while signed
  // out is still noticed at the next sign-in. Only the in-memory state goes.
  seen = null;
  seenFor = null;
  useKeyChanges.setState({ changed: {} });
});
