import { expect } from 'vitest';
import type { Message, MessagePage } from '@herald/shared';
import { membersOnly, NOT_FOUND, UNAVAILABLE, type Actor, type LivePerson, type Person } from './actors.js';
import { http, row, sealFor, type Row } from './row.js';
import type { World } from './world.js';

/**
 * Messages: reading a conversation's history, sending, receipts and reactions. Members only; a
 * direct chat's member who deleted the chat (`removed`) no longer sees what came before, and a
 * block stops the blocked person from reaching the blocker.
 */

const conv = (w: World) => `/api/conversations/${w.conv}`;
const nobody = (): Person[] => [];

/** The owner's message in the row's conversation, sent before the actors became what they are. */
export async function ownersMessage(w: World): Promise<Message> {
  const res = await w.people.owner.client.post<Message>(`${conv(w)}/messages`, {
    content: await sealFor(w, 'owner', 'from the owner'),
  });
  if (res.status !== 201) throw new Error(`owner's message: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** The other live members of the conversation, who must hear of an allowed change. */
export function othersHear(event: 'receive_message' | 'message_status' | 'reaction_updated') {
  return (w: World, actor: Actor): [LivePerson, typeof event][] =>
    w
      .members()
      .filter((p): p is LivePerson => p !== actor && p !== 'deleted')
      .map((p) => [p, event]);
}

/** Whether the actor's page of the conversation lists the owner's message. */
async function seesOwnersMessage(w: World, actor: Actor, message: Message): Promise<boolean> {
  const page = await w.api(actor).get<MessagePage>(`${conv(w)}/messages`);
  return page.body.data.messages.some((m) => m.id === message.id);
}

/** Group: members. Direct: both members; after "delete chat" the history before it is gone. */
const group = membersOnly(200);
const direct = membersOnly(200, { removed: 200 });

export const MESSAGE_ROWS: Row[] = [
  row<Message>({
    route: 'GET /api/conversations/{id}/messages',
    variant: 'group',
    scene: 'group',
    expect: group,
    setup: ownersMessage,
    call: (w, a) => http(w.api(a).get(`${conv(w)}/messages`)),
    verify: async (w, a, message) => expect(await seesOwnersMessage(w, a, message)).toBe(true),
    observers: nobody,
  }),
  row<Message>({
    route: 'GET /api/conversations/{id}/messages',
    variant: 'direct',
    scene: 'direct',
    expect: direct,
    setup: ownersMessage,
    call: (w, a) => http(w.api(a).get(`${conv(w)}/messages`)),
    verify: async (w, a, message) => expect(await seesOwnersMessage(w, a, message)).toBe(a !== 'removed'),
    observers: nobody,
  }),
  row({
    route: 'POST /api/conversations/{id}/messages',
    variant: 'group',
    scene: 'group',
    expect: membersOnly(201),
    call: async (w, a) => http(w.api(a).post(`${conv(w)}/messages`, { content: await sealFor(w, a) })),
    events: othersHear('receive_message'),
  }),
  row({
    route: 'POST /api/conversations/{id}/messages',
    variant: 'direct',
    scene: 'direct',
    expect: membersOnly(201, { removed: 201, blocked: UNAVAILABLE }),
    call: async (w, a) => http(w.api(a).post(`${conv(w)}/messages`, { content: await sealFor(w, a) })),
    events: othersHear('receive_message'),
  }),
  row<Message>({
    route: 'POST /api/conversations/{id}/read',
    variant: 'group',
    scene: 'group',
    expect: group,
    setup: ownersMessage,
    call: (w, a) => http(w.api(a).post(`${conv(w)}/read`)),
  }),
  row<Message>({
    route: 'POST /api/conversations/{id}/read',
    variant: 'direct',
    scene: 'direct',
    expect: direct,
    setup: ownersMessage,
    call: (w, a) => http(w.api(a).post(`${conv(w)}/read`)),
  }),
  row<Message>({
    route: 'POST /api/conversations/{id}/delivered',
    variant: 'group',
    scene: 'group',
    expect: group,
    setup: ownersMessage,
    call: (w, a, m) => http(w.api(a).post(`${conv(w)}/delivered`, { messageIds: [m.id] })),
  }),
  row<Message>({
    route: 'POST /api/conversations/{id}/delivered',
    variant: 'direct',
    scene: 'direct',
    expect: direct,
    setup: ownersMessage,
    call: (w, a, m) => http(w.api(a).post(`${conv(w)}/delivered`, { messageIds: [m.id] })),
    // The owner's own message: nothing of theirs to mark. A receipt is the sender's to know, even
    // from someone they blocked since: it is their message's status (shown on reload too).
    events: (w, a) => (a === 'owner' ? [] : othersHear('message_status')(w, a)),
  }),
  row<Message>({
    route: 'PUT /api/messages/{id}/reaction',
    variant: 'group',
    scene: 'group',
    expect: group,
    setup: ownersMessage,
    call: (w, a, m) => http(w.api(a).put(`/api/messages/${m.id}/reaction`, { emoji: '👍' })),
    events: othersHear('reaction_updated'),
  }),
  row<Message>({
    route: 'PUT /api/messages/{id}/reaction',
    variant: 'direct',
    scene: 'direct',
    expect: membersOnly(200, { removed: NOT_FOUND, blocked: UNAVAILABLE }),
    setup: ownersMessage,
    call: (w, a, m) => http(w.api(a).put(`/api/messages/${m.id}/reaction`, { emoji: '👍' })),
    events: othersHear('reaction_updated'),
  }),
  row<Message>({
    route: 'DELETE /api/messages/{id}/reaction',
    variant: 'group',
    scene: 'group',
    expect: group,
    setup: reactedMessage,
    call: (w, a, m) => http(w.api(a).delete(`/api/messages/${m.id}/reaction`)),
    events: othersHear('reaction_updated'),
  }),
  row<Message>({
    route: 'DELETE /api/messages/{id}/reaction',
    variant: 'direct',
    scene: 'direct',
    expect: membersOnly(200, { removed: NOT_FOUND, blocked: UNAVAILABLE }),
    setup: reactedMessage,
    call: (w, a, m) => http(w.api(a).delete(`/api/messages/${m.id}/reaction`)),
    events: othersHear('reaction_updated'),
  }),
];

/** The owner's message, with a reaction of every member at the time (the removed one included). */
async function reactedMessage(w: World): Promise<Message> {
  const message = await ownersMessage(w);
  const reactors: Person[] = w.scene === 'group' ? ['owner', 'coMember', 'removed', 'blocked'] : ['owner', w.partner];
  for (const person of reactors) {
    const res = await w.people[person].client.put(`/api/messages/${message.id}/reaction`, { emoji: '🎉' });
    if (res.status !== 200) throw new Error(`reaction of ${person}: ${res.status}`);
  }
  return message;
}
