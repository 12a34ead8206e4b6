import { expect } from 'vitest';
import type { ScheduledMessage } from '@herald/shared';
import { directChat } from '../helpers/chat.js';
import { recipientsOf, sealContent } from '../helpers/e2ee.js';
import { inMs } from '../helpers/scheduling.js';
import { membersOnly, ownerOnly, signedIn, UNAVAILABLE, type Actor, type Person } from './actors.js';
import { http, row, sealFor, type Row } from './row.js';
import { othersHear } from './rows-messages.js';
import type { World } from './world.js';

/**
 * Scheduled messages belong to their sender: any member may schedule into a conversation, but a
 * scheduled message is seen, edited, cancelled, sent now or dismissed by its sender only;
 * everyone else gets the 404 of a missing one.
 */

const HOUR = 3_600_000;
const nobody = (): Person[] => [];
const actorOnly = (_w: World, actor: Actor): Person[] => (actor === 'anonymous' ? [] : [actor]);
const ownerHears = (): Person[] => ['owner'];
const path = (s: ScheduledMessage) => `/api/scheduled-messages/${s.id}`;

/** The owner's pending scheduled message in the row's conversation, due in an hour. */
async function ownersScheduled(w: World): Promise<ScheduledMessage> {
  const res = await w.people.owner.client.post<ScheduledMessage>('/api/scheduled-messages', {
    conversationId: w.conv,
    content: await sealFor(w, 'owner', 'later'),
    scheduledTime: inMs(w.t, HOUR),
  });
  if (res.status !== 201) throw new Error(`schedule: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** The owner's scheduled message, cancelled (restorable: its time is an hour ahead). */
async function ownersCancelled(w: World): Promise<ScheduledMessage> {
  const scheduled = await ownersScheduled(w);
  const res = await w.people.owner.client.delete<ScheduledMessage>(path(scheduled));
  if (res.status !== 200) throw new Error(`cancel: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** The owner's scheduled message that failed: its receiver deleted their account. */
async function ownersFailed(w: World): Promise<ScheduledMessage> {
  const owner = w.people.owner;
  const receiver = await w.extraUser();
  const chat = await directChat(owner, receiver);
  const res = await owner.client.post<ScheduledMessage>('/api/scheduled-messages', {
    conversationId: chat.id,
    content: await sealContent(owner, chat.id, 'never', { recipients: recipientsOf([owner, receiver]) }),
    scheduledTime: inMs(w.t, HOUR),
  });
  if (res.status !== 201) throw new Error(`schedule: ${res.status} ${JSON.stringify(res.body)}`);
  const gone = await receiver.client.delete('/api/users/me', { authKey: receiver.authKey });
  if (gone.status !== 200) throw new Error(`receiver deletion: ${gone.status}`);
  return res.body.data;
}

const create = async (w: World, a: Actor) =>
  http(
    w.api(a).post('/api/scheduled-messages', {
      conversationId: w.conv,
      content: await sealFor(w, a, 'later'),
      scheduledTime: inMs(w.t, HOUR),
    }),
  );

export const SCHEDULING_ROWS: Row[] = [
  row({
    route: 'POST /api/scheduled-messages',
    variant: 'group',
    scene: 'group',
    expect: membersOnly(201),
    call: create,
    observers: actorOnly,
  }),
  row({
    route: 'POST /api/scheduled-messages',
    variant: 'direct',
    scene: 'direct',
    expect: membersOnly(201, { removed: 201, blocked: UNAVAILABLE }),
    call: create,
    observers: actorOnly,
  }),
  row<ScheduledMessage>({
    route: 'GET /api/scheduled-messages',
    scene: 'group',
    expect: signedIn(200),
    setup: ownersScheduled,
    call: (w, a) => http(w.api(a).get(`/api/scheduled-messages?conversationId=${w.conv}`)),
    verify: async (w, a, s) => {
      const list = await w.api(a).get<ScheduledMessage[]>(`/api/scheduled-messages?conversationId=${w.conv}`);
      expect(list.body.data.map((m) => m.id)).toEqual(a === 'owner' ? [s.id] : []);
    },
    observers: nobody,
  }),
  row({
    route: 'POST /api/scheduled-messages/failures/seen',
    scene: 'group',
    expect: signedIn(200),
    setup: ownersFailed,
    call: (w, a) => http(w.api(a).post('/api/scheduled-messages/failures/seen')),
    verify: async (w, a) => {
      // Only the caller's own failures count as seen: the owner's badge stays unless it was them.
      const me = await w.people.owner.client.get<{ user: { unseenFailedScheduled: number } }>('/api/auth/me');
      expect(me.body.data.user.unseenFailedScheduled).toBe(a === 'owner' ? 0 : 1);
    },
    observers: actorOnly,
  }),
  row<ScheduledMessage>({
    route: 'GET /api/scheduled-messages/{id}',
    scene: 'group',
    expect: ownerOnly(200),
    setup: ownersScheduled,
    call: (w, a, s) => http(w.api(a).get(path(s))),
    observers: nobody,
  }),
  row<ScheduledMessage>({
    route: 'PUT /api/scheduled-messages/{id}',
    scene: 'group',
    expect: ownerOnly(200),
    setup: ownersScheduled,
    call: (w, a, s) => http(w.api(a).put(path(s), { scheduledTime: inMs(w.t, 2 * HOUR), version: s.version })),
    observers: ownerHears,
    events: () => [['owner', 'scheduled_message_updated']],
  }),
  row<ScheduledMessage>({
    route: 'PATCH /api/scheduled-messages/{id}',
    scene: 'group',
    expect: ownerOnly(200),
    setup: ownersScheduled,
    call: async (w, a, s) =>
      http(w.api(a).patch(path(s), { content: await sealFor(w, 'owner', 'edited'), version: s.version })),
    observers: ownerHears,
  }),
  row<ScheduledMessage>({
    route: 'DELETE /api/scheduled-messages/{id}',
    scene: 'group',
    expect: ownerOnly(200),
    setup: ownersScheduled,
    call: (w, a, s) => http(w.api(a).delete(path(s))),
    observers: ownerHears,
    events: () => [['owner', 'scheduled_message_cancelled']],
  }),
  row<ScheduledMessage>({
    route: 'POST /api/scheduled-messages/{id}/send-now',
    scene: 'group',
    expect: ownerOnly(200),
    setup: ownersScheduled,
    call: (w, a, s) => http(w.api(a).post(`${path(s)}/send-now`)),
    events: (w, a) => [...othersHear('receive_message')(w, a), ['owner', 'scheduled_message_sent']],
  }),
  row<ScheduledMessage>({
    route: 'POST /api/scheduled-messages/{id}/restore',
    scene: 'group',
    expect: ownerOnly(200),
    setup: ownersCancelled,
    call: (w, a, s) => http(w.api(a).post(`${path(s)}/restore`, { version: s.version })),
    observers: ownerHears,
    events: () => [['owner', 'scheduled_message_updated']],
  }),
  row<ScheduledMessage>({
    route: 'POST /api/scheduled-messages/{id}/dismiss',
    scene: 'group',
    expect: ownerOnly(200),
    setup: ownersFailed,
    call: (w, a, s) => http(w.api(a).post(`${path(s)}/dismiss`)),
    observers: ownerHears,
  }),
];
