import { expect } from 'vitest';
import type { PublicUser } from '@herald/shared';
import { b64, solidPng } from '../helpers/avatar-image.js';
import { signedIn } from './actors.js';
import { http, row, type Row } from './row.js';
import type { World } from './world.js';

/**
 * Account avatars (issue 13, item 10): my own picture is mine to set or remove (`/me`: no object
 * of anyone else's to reach); anyone's picture is visible to anyone signed in, like their profile.
 * A change reaches the actor and the people sharing a current chat with them (the default
 * observers: the conversation's members when the actor is one, else the actor alone).
 */

async function ownersAvatar(w: World): Promise<PublicUser> {
  const res = await w.people.owner.client.put<PublicUser>('/api/users/me/avatar', { image: b64(solidPng()) });
  if (res.status !== 200) throw new Error(`set avatar: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** The owner's picture is the owner's business alone. */
const ownersAvatarIs = (present: (actorIsOwner: boolean) => boolean) => async (w: World, a: string) => {
  const owner = await w.people.coMember.client.get<PublicUser>(`/api/users/${w.people.owner.id}`);
  expect(owner.body.data.avatarUrl !== null).toBe(present(a === 'owner'));
};

export const AVATAR_ROWS: Row[] = [
  row({
    route: 'PUT /api/users/me/avatar',
    scene: 'group',
    expect: signedIn(200),
    call: (w, a) => http(w.api(a).put('/api/users/me/avatar', { image: b64(solidPng()) })),
    verify: ownersAvatarIs((isOwner) => isOwner),
    events: (_w, a) => (a === 'owner' ? [['coMember', 'user_updated']] : []),
  }),
  row({
    route: 'DELETE /api/users/me/avatar',
    scene: 'group',
    expect: signedIn(200),
    setup: ownersAvatar,
    call: (w, a) => http(w.api(a).delete('/api/users/me/avatar')),
    verify: ownersAvatarIs((isOwner) => !isOwner),
    events: (_w, a) => (a === 'owner' ? [['coMember', 'user_updated']] : []),
  }),
  row<PublicUser>({
    route: 'GET /api/users/{id}/avatar',
    scene: 'group',
    expect: signedIn(200),
    setup: ownersAvatar,
    call: (w, a, user) => http(w.api(a).get(`/api/users/${user.id}/avatar`)),
    observers: () => [],
  }),
];
