import { create } from 'zustand';
import type { SelfUser } from '@herald/shared';
import { isApiError } from '../../lib/http';
import { browserTimeZone } from '../../lib/time';
import { authApi } from './api';
import { deriveAuthKey, newKdf } from './kdf';

export type AuthStatus = 'loading' | 'anonymous' | 'signed-in';

interface AuthState {
  status: AuthStatus;
  me: SelfUser | null;
  /** 0..1 while the password is being turned into keys; null otherwise. */
  kdfProgress: number | null;
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

export const useAuth = create<AuthState>()((set, get) => {
  async function derive(password: string, kdf: Parameters<typeof deriveAuthKey>[1]): Promise<string> {
    set({ kdfProgress: 0 });
    try {
      return await deriveAuthKey(password, kdf, (fraction) => set({ kdfProgress: fraction }));
    } finally {
      set({ kdfProgress: null });
    }
  }

  return {
    status: 'loading',
    me: null,
    kdfProgress: null,

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
      const authKey = await derive(password, kdf);
      const me = await authApi.register({
        username,
        displayName: displayName || undefined,
        authKey,
        kdf,
        timeZone: browserTimeZone(),
      });
      set({ me, status: 'signed-in' });
    },

    login: async (username, password) => {
      const kdf = await authApi.prelogin(username);
      const authKey = await derive(password, kdf);
      const me = await authApi.login(username, authKey);
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
      const currentAuthKey = await derive(current, await authApi.prelogin(me.username));
      const newKdfParams = await newKdf(await authApi.kdfParams());
      const newAuthKey = await derive(next, newKdfParams);
      const user = await authApi.changePassword({ currentAuthKey, newAuthKey, newKdf: newKdfParams });
      set({ me: user });
    },

    deleteAccount: async (password) => {
      const me = get().me;
      if (!me) return;
      const authKey = await derive(password, await authApi.prelogin(me.username));
      await authApi.deleteAccount(authKey);
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

    signedOut: () => set({ me: null, status: 'anonymous', kdfProgress: null }),

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
