import { create } from 'zustand';
import type { SelfUser } from '@herald/shared';
import { isApiError } from '../../lib/http';
import { browserTimeZone } from '../../lib/time';
import { authApi } from './api';
import { deriveAuthKey, newKdf } from './kdf';

export type AuthStatus = 'loading' | 'anonymous' | 'signed-in';

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
  logout: () => Promise<void>;
  logoutEverywhere: () => Promise<void>;
  changePassword: (current: string, next: string) => Promise<void>;
  deleteAccount: (password: string) => Promise<void>;
  updateProfile: (patch: { displayName?: string; timeZone?: string }) => Promise<void>;
  refreshMe: () => Promise<void>;
  /** The session ended elsewhere (401, or logged out on another device). */
  signedOut: () => void;
  setUnseenFailed: (count: number | ((current: number) => number)) => void;
}

type Kdf = Parameters<typeof deriveAuthKey>[1];

export const useAuth = create<AuthState>()((set, get) => {
  /**
   * Derives the auth keys of one or more passwords at once: each in its own worker, so that on a
   * multi-core device changing the password (current + new) takes as long as signing in.
   */
  async function derive(task: string, jobs: { password: string; kdf: Kdf }[]): Promise<string[]> {
    const fractions = jobs.map(() => 0);
    const report = () => set({ passwordWork: { task, fraction: fractions.reduce((a, b) => a + b, 0) / jobs.length } });
    report();
    try {
      return await Promise.all(
        jobs.map(({ password, kdf }, index) =>
          deriveAuthKey(password, kdf, (fraction) => {
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
        set({ me: await authApi.me(), status: 'signed-in' });
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
      const [authKey] = await derive('Securing your password on this device…', [{ password, kdf }]);
      const me = await finish(
        'Creating your account…',
        authApi.register({
          username,
          displayName: displayName || undefined,
          authKey: authKey!,
          kdf,
          timeZone: browserTimeZone(),
        }),
      );
      set({ me, status: 'signed-in' });
    },

    login: async (username, password) => {
      const kdf = await authApi.prelogin(username);
      const [authKey] = await derive('Securing your password on this device…', [{ password, kdf }]);
      const me = await finish('Signing in…', authApi.login(username, authKey!));
      set({ me, status: 'signed-in' });
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
      const [currentAuthKey, newAuthKey] = await derive('Checking your current password and securing the new one…', [
        { password: current, kdf: currentKdf },
        { password: next, kdf: newKdfParams },
      ]);
      const request = authApi.changePassword({
        currentAuthKey: currentAuthKey!,
        newAuthKey: newAuthKey!,
        newKdf: newKdfParams,
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
      const [authKey] = await derive('Checking your password…', [
        { password, kdf: await authApi.prelogin(me.username) },
      ]);
      await finish('Deleting your account…', authApi.deleteAccount(authKey!));
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

    signedOut: () => set({ me: null, status: 'anonymous', passwordWork: null }),

    setUnseenFailed: (count) => {
      const me = get().me;
      if (!me) return;
      const value = typeof count === 'function' ? count(me.unseenFailedScheduled) : count;
      set({ me: { ...me, unseenFailedScheduled: Math.max(0, value) } });
    },
  };
});

/** The signed-in user's zone: their setting, else the browser's. */
export function useMyTimeZone(): string {
  return useAuth((s) => s.me?.timeZone) ?? browserTimeZone();
}
