import type { Person } from './actors.js';
import { INVALID_STATE, membersOnly, NOT_ADMIN, NOT_FOUND, signedIn, UNAVAILABLE } from './actors.js';
import { http, row, type Row } from './row.js';
import type { World } from './world.js';

/**
 * A conversation and its members: reading it, changing it, managing members, leaving. In a group,
 * managing is for admins (403 `not_admin` to a member); strangers and former members get 404.
 */

const conv = (w: World) => `/api/conversations/${w.conv}`;
const nobody = (): Person[] => [];
const actorOnly = (w: World, actor: string): Person[] => (actor === 'anonymous' ? [] : [actor as Person]);

/** A direct chat: its two members (the one who deleted it is still one), nobody else. */
const directMembers = membersOnly(200, { removed: 200 });

/** Adds a fresh account to the group (as its owner): the member that admins manage. */
async function addMember(w: World): Promise<string> {
  const extra = await w.extraUser();
  const res = await w.people.owner.client.post(`${conv(w)}/members`, { userIds: [extra.id] });
  if (res.status !== 200) throw new Error(`add member: ${res.status}`);
  w.extraMembers.push(extra.id);
  return extra.id;
}

export const CONVERSATION_ROWS: Row[] = [
  row({
    route: 'GET /api/conversations/{id}',
    variant: 'group',
    scene: 'group',
    expect: membersOnly(200),
    call: (w, a) => http(w.api(a).get(conv(w))),
    observers: nobody,
  }),
  row({
    route: 'GET /api/conversations/{id}',
    variant: 'direct',
    scene: 'direct',
    expect: directMembers,
    call: (w, a) => http(w.api(a).get(conv(w))),
    observers: nobody,
  }),
  row({
    route: 'PATCH /api/conversations/{id}',
    variant: 'group title',
    scene: 'group',
    expect: membersOnly(200, { coMember: NOT_ADMIN, blocked: NOT_ADMIN }),
    call: (w, a) => http(w.api(a).patch(conv(w), { title: 'renamed' })),
    events: () => [['coMember', 'conversation_updated']],
  }),
  row({
    route: 'PATCH /api/conversations/{id}',
    variant: 'direct temporary mode',
    scene: 'direct',
    // A block stops both sides from changing what the other sees (as it stops sending).
    expect: membersOnly(200, { removed: 200, blocked: UNAVAILABLE }),
    call: (w, a) => http(w.api(a).patch(conv(w), { temporaryTtlSeconds: 3600 })),
  }),
  row({
    route: 'DELETE /api/conversations/{id}',
    variant: 'group',
    scene: 'group',
    expect: membersOnly(200),
    call: (w, a) => http(w.api(a).delete(conv(w))),
    observers: actorOnly,
  }),
  row({
    route: 'DELETE /api/conversations/{id}',
    variant: 'direct',
    scene: 'direct',
    expect: directMembers,
    call: (w, a) => http(w.api(a).delete(conv(w))),
    observers: actorOnly,
  }),
  row({
    route: 'GET /api/conversations/{id}/keys',
    variant: 'group',
    scene: 'group',
    expect: membersOnly(200),
    call: (w, a) => http(w.api(a).get(`${conv(w)}/keys`)),
    observers: nobody,
  }),
  row({
    route: 'GET /api/conversations/{id}/keys',
    variant: 'direct',
    scene: 'direct',
    expect: directMembers,
    call: (w, a) => http(w.api(a).get(`${conv(w)}/keys`)),
    observers: nobody,
  }),
  row<string>({
    route: 'POST /api/conversations/{id}/members',
    scene: 'group',
    expect: membersOnly(200, { coMember: NOT_ADMIN, blocked: NOT_ADMIN }),
    setup: async (w) => (await w.extraUser()).id,
    call: (w, a, newcomer) => http(w.api(a).post(`${conv(w)}/members`, { userIds: [newcomer] })),
    events: () => [['coMember', 'member_joined']],
  }),
  row<string>({
    route: 'DELETE /api/conversations/{id}/members/{userId}',
    scene: 'group',
    expect: membersOnly(200, { coMember: NOT_ADMIN, blocked: NOT_ADMIN }),
    setup: addMember,
    call: (w, a, member) => http(w.api(a).delete(`${conv(w)}/members/${member}`)),
    events: () => [['coMember', 'member_left']],
  }),
  row<string>({
    route: 'PATCH /api/conversations/{id}/members/{userId}',
    scene: 'group',
    expect: membersOnly(200, { coMember: NOT_ADMIN, blocked: NOT_ADMIN }),
    setup: addMember,
    call: (w, a, member) => http(w.api(a).patch(`${conv(w)}/members/${member}`, { role: 'admin' })),
    events: () => [['coMember', 'member_role_changed']],
  }),
  // Muting is mine alone: my devices hear of it, nobody else (observers: the actor).
  row({
    route: 'PUT /api/conversations/{id}/mute',
    variant: 'group',
    scene: 'group',
    expect: membersOnly(200),
    call: (w, a) => http(w.api(a).put(`${conv(w)}/mute`, { until: 'forever' })),
    observers: actorOnly,
    events: (w, a) => (a === 'anonymous' || a === 'deleted' ? [] : [[a, 'conversation_updated']]),
  }),
  row({
    route: 'PUT /api/conversations/{id}/mute',
    variant: 'direct',
    scene: 'direct',
    expect: directMembers,
    call: (w, a) => http(w.api(a).put(`${conv(w)}/mute`, { until: null })),
    observers: actorOnly,
  }),
  row({
    route: 'POST /api/conversations/{id}/leave',
    variant: 'group',
    scene: 'group',
    expect: membersOnly(200),
    call: (w, a) => http(w.api(a).post(`${conv(w)}/leave`)),
    events: (w, a) => (a === 'coMember' ? [['owner', 'member_left']] : [['coMember', 'member_left']]),
  }),
  row({
    route: 'POST /api/conversations/{id}/leave',
    variant: 'direct',
    scene: 'direct',
    expect: signedIn(INVALID_STATE, { nonMember: NOT_FOUND }),
    call: (w, a) => http(w.api(a).post(`${conv(w)}/leave`)),
  }),
];
