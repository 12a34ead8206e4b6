import { expect } from 'vitest';
import type { PublicUser } from '@herald/shared';
import { signedIn, UNAVAILABLE, VALIDATION, type Actor, type Person } from './actors.js';
import { http, row, type Row } from './row.js';
import type { World } from './world.js';

/**
 * Another user (the owner) as the object: profiles and public keys are for anyone signed in;
 * blocking and opening a chat act for the caller, and a block stops the blocked from opening one.
 */

const nobody = (): Person[] => [];
const actorOnly = (_w: World, actor: Actor): Person[] => (actor === 'anonymous' ? [] : [actor]);
const owner = (w: World) => `/api/users/${w.people.owner.id}`;

/** The owner's own block of `blocked` stands whoever unblocked whom. */
async function ownersBlockStands(w: World): Promise<void> {
  const list = await w.people.owner.client.get<PublicUser[]>('/api/blocks');
  expect(list.body.data.map((u) => u.id)).toEqual([w.people.blocked.id]);
}

export const USER_ROWS: Row[] = [
  row({
    route: 'GET /api/users/{id}',
    scene: 'group',
    expect: signedIn(200),
    call: (w, a) => http(w.api(a).get(owner(w))),
    observers: nobody,
  }),
  row({
    route: 'GET /api/users/{id}/keys',
    scene: 'group',
    expect: signedIn(200),
    call: (w, a) => http(w.api(a).get(`${owner(w)}/keys`)),
    observers: nobody,
  }),
  row({
    route: 'PUT /api/users/{id}/block',
    scene: 'group',
    expect: signedIn(200, { owner: VALIDATION }),
    call: (w, a) => http(w.api(a).put(`${owner(w)}/block`)),
    verify: ownersBlockStands,
    observers: actorOnly,
  }),
  row({
    route: 'DELETE /api/users/{id}/block',
    scene: 'group',
    expect: signedIn(200),
    call: (w, a) => http(w.api(a).delete(`${owner(w)}/block`)),
    verify: ownersBlockStands,
    observers: actorOnly,
  }),
  row({
    route: 'POST /api/conversations/direct',
    scene: 'group',
    expect: signedIn(201, { owner: VALIDATION, blocked: UNAVAILABLE }),
    call: (w, a) => http(w.api(a).post('/api/conversations/direct', { userId: w.people.owner.id })),
    observers: (_w, a) => (a === 'anonymous' ? [] : [a, 'owner']),
  }),
];
