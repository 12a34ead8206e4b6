import { create } from 'zustand';
import type { KeyRing, UserKeys } from '@herald/crypto';
import { registerReset } from '../resets';
import { loadCrypto } from './crypto';

/**
 * This device's key state for the signed-in user: the KeyRing (private keys, in memory only) once
 * the key bundle was opened, with the password at sign-in or from this device's sealed copy after
 * a reload. `locked`: signed in, but the keys are not open here (the unlock screen asks for the
 * password). Everything that reads or writes messages waits for `unlocked`.
 */
export type KeyStatus = 'none' | 'locked' | 'unlocked';

interface KeyState {
  status: KeyStatus;
  /** Whose keys (the signed-in user's id), or null. */
  userId: string | null;
  /** Bumped whenever the ring changes, so that views can open again what was locked. */
  generation: number;
}

export const useKeyState = create<KeyState>()(() => ({ status: 'none', userId: null, generation: 0 }));

let ring: KeyRing | null = null;
const waiters = new Set<(ring: KeyRing) => void>();
const wipeListeners = new Set<() => void>();

/** Opens the ring with these keys (the caller wipes its own copy afterwards with wipeUserKeys). */
export async function unlockWith(userId: string, keys: UserKeys): Promise<KeyRing> {
  const { KeyRing } = await loadCrypto();
  ring?.forget();
  ring = new KeyRing({ userId, keys });
  useKeyState.setState((s) => ({ status: 'unlocked', userId, generation: s.generation + 1 }));
  for (const resolve of waiters) resolve(ring);
  waiters.clear();
  return ring;
}

/** Signed in, but the keys are not open on this device. */
export function markLocked(userId: string): void {
  ring?.forget();
  ring = null;
  useKeyState.setState((s) => ({ status: 'locked', userId, generation: s.generation + 1 }));
}

/** The ring, or null while locked or signed out. */
export function currentRing(): KeyRing | null {
  return ring && !ring.forgotten ? ring : null;
}

/** The ring, waiting for an unlock if needed (sending while the unlock screen is up). */
export function requireRing(): Promise<KeyRing> {
  const now = currentRing();
  if (now) return Promise.resolve(now);
  return new Promise((resolve) => waiters.add(resolve));
}

/** Called on wipe: caches elsewhere in this library drop what they hold. */
export function onWipe(listener: () => void): () => void {
  wipeListeners.add(listener);
  return () => wipeListeners.delete(listener);
}

/**
 * Sign-out, session end, account deletion: the ring's keys are zeroed (KeyRing.forget), and every
 * cache of plaintext and public keys is emptied. The device copy is removed by the caller
 * (device-copy.ts), which is asynchronous.
 */
export function wipeKeyState(): void {
  ring?.forget();
  ring = null;
  waiters.clear();
  for (const listener of wipeListeners) listener();
  useKeyState.setState((s) => ({ status: 'none', userId: null, generation: s.generation + 1 }));
}

// Tests: the ring, its waiters and every cache that listens for a wipe start empty again.
registerReset(wipeKeyState);
