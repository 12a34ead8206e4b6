import { expect } from 'vitest';
import { deriveKeys, generateUserKeys, newKdfParams, publicKeysOf, sealKeyBundle } from '@herald/crypto';
import type { Conversation, PublicUser, SelfUser } from '@herald/shared';
import { signedIn, type Actor, type Person } from './actors.js';
import { defaultObservers, http, row, type Row } from './row.js';
import type { World } from './world.js';

/**
 * The caller's own account: every signed-in actor is the owner of theirs, so each may act on it
 * (2xx) and must touch nothing of anyone else's; without a live session it is 401.
 */

const nobody = (): Person[] => [];
const actorOnly = (_w: World, actor: Actor): Person[] => (actor === 'anonymous' ? [] : [actor]);

/** The owner's session still works (unless the owner was the caller). */
async function ownerUntouched(w: World, actor: Actor): Promise<void> {
  const me = await w.people.owner.client.get<{ user: SelfUser }>('/api/auth/me');
  expect(me.status).toBe(actor === 'owner' ? 401 : 200);
}

export const ACCOUNT_ROWS: Row[] = [
  row({
    route: 'GET /api/auth/me',
    scene: 'group',
    expect: signedIn(200),
    call: (w, a) => http(w.api(a).get('/api/auth/me')),
    verify: async (w, a) => {
      const me = await w.api(a).get<{ user: SelfUser }>('/api/auth/me');
      expect(me.body.data.user.id).toBe(w.id(a));
    },
    observers: nobody,
  }),
  row({
    route: 'POST /api/auth/logout-all',
    scene: 'group',
    expect: signedIn(200),
    call: (w, a) => http(w.api(a).post('/api/auth/logout-all')),
    verify: ownerUntouched,
    observers: actorOnly,
  }),
  row({
    route: 'POST /api/auth/change-password',
    scene: 'group',
    expect: signedIn(200),
    call: async (w, a) => {
      const user = w.user(a);
      const newKdf = newKdfParams({ algorithm: 'argon2id', memoryKiB: 8, iterations: 1, parallelism: 1 });
      const next = await deriveKeys('another long passphrase', newKdf);
      return http(
        w.api(a).post('/api/auth/change-password', {
          currentAuthKey: user.authKey,
          newAuthKey: next.authKey,
          newKdf,
          encryptedPrivateKeys: sealKeyBundle(user.keys, next.encryptionKey),
        }),
      );
    },
    // Someone else's change signs nobody else out (the caller's own client holds its new cookie).
    verify: async (w) => expect((await w.people.owner.client.get('/api/auth/me')).status).toBe(200),
    observers: actorOnly,
  }),
  row({
    route: 'DELETE /api/users/me',
    scene: 'group',
    expect: signedIn(200),
    call: (w, a) => http(w.api(a).delete('/api/users/me', { authKey: w.user(a).authKey })),
    verify: ownerUntouched,
  }),
  row({
    route: 'PATCH /api/users/me',
    scene: 'group',
    expect: signedIn(200),
    call: (w, a) => http(w.api(a).patch('/api/users/me', { displayName: 'Renamed' })),
    verify: async (w, a) => {
      const owner = await w.people.coMember.client.get<PublicUser>(`/api/users/${w.people.owner.id}`);
      expect(owner.body.data.displayName === 'Renamed').toBe(a === 'owner');
    },
    observers: actorOnly,
  }),
  row({
    route: 'PUT /api/users/me/keys',
    scene: 'group',
    expect: signedIn(200),
    call: (w, a) => {
      const user = w.user(a);
      const next = generateUserKeys();
      return http(
        w.api(a).put('/api/users/me/keys', {
          ...publicKeysOf(next),
          encryptedPrivateKeys: sealKeyBundle(next, user.encryptionKey),
          authKey: user.authKey,
        }),
      );
    },
    // The caller and whoever shares a conversation with them now: not former members, not strangers.
    observers: defaultObservers,
    events: (w, a) => (a === 'anonymous' || a === 'deleted' ? [] : [[a, 'user_keys_changed']]),
  }),
  row({
    route: 'GET /api/blocks',
    scene: 'group',
    expect: signedIn(200),
    call: (w, a) => http(w.api(a).get('/api/blocks')),
    verify: async (w, a) => {
      const list = await w.api(a).get<PublicUser[]>('/api/blocks');
      expect(list.body.data.map((u) => u.id)).toEqual(a === 'owner' ? [w.people.blocked.id] : []);
    },
    observers: nobody,
  }),
  row({
    route: 'GET /api/users',
    scene: 'group',
    expect: signedIn(200),
    call: (w, a) => http(w.api(a).get(`/api/users?search=${w.people.owner.username}`)),
    observers: nobody,
  }),
  row({
    route: 'GET /api/conversations',
    scene: 'group',
    expect: signedIn(200),
    call: (w, a) => http(w.api(a).get('/api/conversations')),
    verify: async (w, a) => {
      const list = await w.api(a).get<Conversation[]>('/api/conversations');
      const listed = list.body.data.some((c) => c.id === w.conv);
      expect(listed).toBe((w.members() as Actor[]).includes(a));
    },
    observers: nobody,
  }),
  row({
    route: 'POST /api/conversations/group',
    scene: 'group',
    expect: signedIn(201),
    call: (w, a) =>
      http(w.api(a).post('/api/conversations/group', { title: 'new', memberIds: [w.people.coMember.id] })),
    observers: (_w, a) => (a === 'anonymous' ? [] : [a, 'coMember']),
    events: () => [['coMember', 'conversation_updated']],
  }),
];
