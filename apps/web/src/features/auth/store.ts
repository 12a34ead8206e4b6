import { create } from 'zustand';
import type { SelfUser } from '@herald/shared';
import { markLocked, removeDeviceCopy, wipeDeviceKeys } from '../../lib/e2ee';
import { isApiError, onSessionEnded } from '../../lib/http';
import { browserTimeZone } from '../../lib/time';
import { establish, newAccountKeys, openAccountKeys, resealBundle, resumeKeys } from './account-keys';
import { authApi } from './api';
import { derivePasswordKeys, newKdf, type PasswordKeys } from './kdf';

/**
 * `locked`: a session exists but this device does not hold the keys (another browser profile,
 * cleared storage, or an account from before encryption): the unlock screen asks for the password.
 */
export type AuthStatus = 'loading' | 'anonymous' | 'locked' | 'signed-in';

/** The password work under way, in words, with how far it got (0..1). */
export interface PasswordWork {
  task: string;
  fraction: number;
}

interface AuthState {
  status: AuthStatus;
  me: SelfUser | null;
  /**
   * While a password is being turned into keys (seconds: Argon2id) or the result saved: what is
   * happening, in words, and how far it got; null otherwise. Only the components that show it
   * subscribe to it (it changes up to 100 times per derivation).
   */
  passwordWork: PasswordWork | null;
  /**
   * A request that replaces this device's session (changing the password) while it is in flight:
   * the server ends every socket of the account before its answer brings this device's new cookie,
   * so the realtime bridge waits for it before asking whether it is still signed in.
   */
  sessionChange: Promise<unknown> | null;
  bootstrap: () => Promise<void>;
  register: (input: { username: string; displayName?: string; password: string }) => Promise<void>;
  login: (username: string, password: string) => Promise<void>;
  /** The password on the unlock screen: opens (or makes) the keys on this device. */
  unlock: (password: string) => Promise<void>;
  logout: () => Promise<void>;
  logoutEverywhere: () => Promise<void>;
  changePassword: (current: string, next: string) => Promise<void>;
  deleteAccount: (password: string) => Promise<void>;
  updateProfile: (patch: { displayName?: string; timeZone?: string }) => Promise<void>;
  refreshMe: () => Promise<void>;
  /** My keys were replaced from another device: fetch the new bundle and lock this device. */
  keysReplaced: () => Promise<void>;
  /** The session ended elsewhere (401, or logged out on another device). */
  signedOut: () => void;
  setUnseenFailed: (count: number | ((current: number) => number)) => void;
}

type Kdf = Parameters<typeof derivePasswordKeys>[1];

const wrongPassword = () => new Error('That password is not right; try again.');

export const useAuth = create<AuthState>()((set, get) => {
  /**
   * Derives the auth keys of one or more passwords at once: each in its own worker, so that on a
   * multi-core device changing the password (current + new) takes as long as signing in.
   */
  async function derive(task: string, jobs: { password: string; kdf: Kdf }[]): Promise<PasswordKeys[]> {
    const fractions = jobs.map(() => 0);
    const report = () => set({ passwordWork: { task, fraction: fractions.reduce((a, b) => a + b, 0) / jobs.length } });
    report();
    try {
      return await Promise.all(
        jobs.map(({ password, kdf }, index) =>
          derivePasswordKeys(password, kdf, (fraction) => {
            fractions[index] = fraction;
            report();
          }),
        ),
      );
    } catch (error) {
      set({ passwordWork: null });
      throw error;
    }
  }

  /** The last step (the server's answer), said in words; the work is over afterwards, either way. */
  async function finish<T>(task: string, request: Promise<T>): Promise<T> {
    set({ passwordWork: { task, fraction: 1 } });
    try {
      return await request;
    } finally {
      set({ passwordWork: null });
    }
  }

  return {
    status: 'loading',
    me: null,
    passwordWork: null,
    sessionChange: null,

    bootstrap: async () => {
      try {
        const me = await authApi.me();
        const unlocked = await resumeKeys(me).catch(() => false);
        set({ me, status: unlocked ? 'signed-in' : 'locked' });
      } catch (error) {
        if (isApiError(error, 'unauthenticated') || isApiError(error, 'not_found')) {
          set({ me: null, status: 'anonymous' });
        } else {
          set({ me: null, status: 'anonymous' });
          throw error;
        }
      }
    },

    register: async ({ username, displayName, password }) => {
      const kdf = await newKdf(await authApi.kdfParams());
      const [derived] = await derive('Securing your password on this device…', [{ password, kdf }]);
      const { authKey, encryptionKey } = derived!;
      // The keys are made and sealed here; the server gets the public halves and the sealed bundle.
      const { keys, payload } = await newAccountKeys(encryptionKey);
      encryptionKey.fill(0);
      const me = await finish(
        'Creating your account…',
        authApi.register({
          username,
          displayName: displayName || undefined,
          authKey,
          kdf,
          timeZone: browserTimeZone(),
          keys: payload,
        }),
      );
      await establish(me.id, keys);
      set({ me, status: 'signed-in' });
    },

    login: async (username, password) => {
      const kdf = await authApi.prelogin(username);
      const [derived] = await derive('Securing your password on this device…', [{ password, kdf }]);
      const { authKey, encryptionKey } = derived!;
      try {
        const me = await finish('Signing in…', authApi.login(username, authKey));
        set({ me: await openAccountKeys(me, { authKey, encryptionKey }), status: 'signed-in' });
      } finally {
        encryptionKey.fill(0);
      }
    },

    unlock: async (password) => {
      const me = get().me;
      if (!me) return;
      const kdf = await authApi.prelogin(me.username);
      const [derived] = await derive('Unlocking your messages on this device…', [{ password, kdf }]);
      const { authKey, encryptionKey } = derived!;
      try {
        // With keys, the bundle itself checks the password (it opens only with the right one);
        // without, the server checks the auth key when the new keys are set.
        const user = await finish(
          'Unlocking…',
          openAccountKeys(me, { authKey, encryptionKey }).catch((error: unknown) => {
            if (isApiError(error, 'invalid_credentials')) throw wrongPassword();
            if (error instanceof Error && 'code' in error && error.code === 'bad_key_bundle') throw wrongPassword();
            throw error;
          }),
        );
        set({ me: user, status: 'signed-in' });
      } finally {
        encryptionKey.fill(0);
      }
    },

    logout: async () => {
      try {
        await authApi.logout();
      } finally {
        get().signedOut();
      }
    },

    logoutEverywhere: async () => {
      await authApi.logoutAll();
      get().signedOut();
    },

    changePassword: async (current, next) => {
      const me = get().me;
      if (!me) return;
      const [currentKdf, defaults] = await Promise.all([authApi.prelogin(me.username), authApi.kdfParams()]);
      const newKdfParams = await newKdf(defaults);
      const [currentKeys, newKeys] = await derive('Checking your current password and securing the new one…', [
        { password: current, kdf: currentKdf },
        { password: next, kdf: newKdfParams },
      ]);
      let encryptedPrivateKeys: string | undefined;
      try {
        // Same keys, sealed under the new password (opening them also checks the current one here).
        encryptedPrivateKeys = await resealBundle(me, currentKeys!.encryptionKey, newKeys!.encryptionKey);
      } catch {
        set({ passwordWork: null });
        throw new Error('The current password is incorrect.');
      } finally {
        currentKeys!.encryptionKey.fill(0);
        newKeys!.encryptionKey.fill(0);
      }
      const request = authApi.changePassword({
        currentAuthKey: currentKeys!.authKey,
        newAuthKey: newKeys!.authKey,
        newKdf: newKdfParams,
        ...(encryptedPrivateKeys ? { encryptedPrivateKeys } : {}),
      });
      set({ sessionChange: request });
      try {
        const user = await finish('Saving your new password…', request);
        set({ me: user });
      } finally {
        set({ sessionChange: null });
      }
    },

    deleteAccount: async (password) => {
      const me = get().me;
      if (!me) return;
      const [derived] = await derive('Checking your password…', [
        { password, kdf: await authApi.prelogin(me.username) },
      ]);
      derived!.encryptionKey.fill(0);
      await finish('Deleting your account…', authApi.deleteAccount(derived!.authKey));
      get().signedOut();
    },

    updateProfile: async (patch) => {
      const user = await authApi.updateProfile(patch);
      const me = get().me;
      if (me) set({ me: { ...me, ...user } });
    },

    refreshMe: async () => {
      try {
        set({ me: await authApi.me() });
      } catch (error) {
        if (isApiError(error, 'unauthenticated')) get().signedOut();
      }
    },

    keysReplaced: async () => {
      await removeDeviceCopy();
      try {
        const me = await authApi.me();
        markLocked(me.id);
        set({ me, status: 'locked' });
      } catch (error) {
        if (isApiError(error, 'unauthenticated')) get().signedOut();
      }
    },

    signedOut: () => {
      // Keys, plaintext caches and this device's sealed copy go with the session.
      void wipeDeviceKeys();
      set({ me: null, status: 'anonymous', passwordWork: null });
    },

    setUnseenFailed: (count) => {
      const me = get().me;
      if (!me) return;
      const value = typeof count === 'function' ? count(me.unseenFailedScheduled) : count;
      set({ me: { ...me, unseenFailedScheduled: Math.max(0, value) } });
    },
  };
});

// Any request answered 401 `unauthenticated` while signed in (or locked): the session is over,
// and with it this device's keys (signedOut wipes them).
onSessionEnded(() => {
  const { status, sessionChange } = useAuth.getState();
  if ((status === 'signed-in' || status === 'locked') && !sessionChange) useAuth.getState().signedOut();
});

/** The signed-in user's zone: their setting, else the browser's. */
export function useMyTimeZone(): string {
  return useAuth((s) => s.me?.timeZone) ?? browserTimeZone();
}
