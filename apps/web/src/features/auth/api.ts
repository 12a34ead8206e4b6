import type { KdfDefaults, KdfParams, PublicUser, SelfUser, UserKeys } from '@herald/shared';
import { http } from '../../lib/http';

export const authApi = {
  kdfParams: () => http.get<{ kdf: KdfDefaults }>('/api/auth/kdf-params').then((d) => d.kdf),
  prelogin: (username: string) => http.get<{ kdf: KdfParams }>('/api/auth/prelogin', { username }).then((d) => d.kdf),
  register: (body: {
    username: string;
    displayName?: string;
    authKey: string;
    kdf: KdfParams;
    timeZone?: string;
    keys: UserKeys;
  }) => http.post<{ user: SelfUser }>('/api/auth/register', body).then((d) => d.user),
  login: (username: string, authKey: string) =>
    http.post<{ user: SelfUser }>('/api/auth/login', { username, authKey }).then((d) => d.user),
  me: () => http.get<{ user: SelfUser }>('/api/auth/me').then((d) => d.user),
  logout: () => http.post<null>('/api/auth/logout'),
  logoutAll: () => http.post<null>('/api/auth/logout-all'),
  changePassword: (body: {
    currentAuthKey: string;
    newAuthKey: string;
    newKdf: KdfParams;
    encryptedPrivateKeys?: string;
  }) => http.post<{ user: SelfUser }>('/api/auth/change-password', body).then((d) => d.user),
  deleteAccount: (authKey: string) => http.delete<null>('/api/users/me', { authKey }),
  updateProfile: (body: { displayName?: string; timeZone?: string }) => http.patch<PublicUser>('/api/users/me', body),
};
