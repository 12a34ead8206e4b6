import type { Message } from '@herald/shared';
import { membersOnly, NOT_FOUND, type Actor, type LivePerson } from './actors.js';
import { http, row, sealFor, type Row } from './row.js';
import { ownersMessage } from './rows-messages.js';
import type { World } from './world.js';

/**
 * Editing and deleting sent messages (issue 13, item 2). Edit and "delete for everyone" are the
 * sender's alone: another member who sees the message gets 403 forbidden, anyone who does not see
 * it the 404 of a missing message. "Delete for me" is any member's, for a message they see, and is
 * heard by their own devices only.
 */

const FORBIDDEN = { status: 403, code: 'forbidden' } as const;

/** Sender only; a member who sees it is told no; a direct chat's partner who deleted the chat sees nothing. */
const senderOnly = (scene: 'group' | 'direct') =>
  membersOnly(200, {
    coMember: FORBIDDEN,
    blocked: FORBIDDEN,
    ...(scene === 'direct' ? { removed: NOT_FOUND } : {}),
  });

/** Every live current member hears the sender's change (message_updated). */
const everyMemberHears = (w: World, actor: Actor): [LivePerson, 'message_updated'][] =>
  actor === 'owner'
    ? w
        .members()
        .filter((p): p is LivePerson => p !== 'deleted')
        .map((p) => [p, 'message_updated'])
    : [];

const editRow = (scene: 'group' | 'direct') =>
  row<Message>({
    route: 'PATCH /api/messages/{id}',
    variant: scene,
    scene,
    expect: senderOnly(scene),
    setup: ownersMessage,
    call: async (w, a, m) => http(w.api(a).patch(`/api/messages/${m.id}`, { content: await sealFor(w, a, 'edited') })),
    events: everyMemberHears,
  });

const deleteForEveryoneRow = (scene: 'group' | 'direct') =>
  row<Message>({
    route: 'DELETE /api/messages/{id}',
    variant: `${scene}, for everyone`,
    scene,
    expect: senderOnly(scene),
    setup: ownersMessage,
    call: (w, a, m) => http(w.api(a).delete(`/api/messages/${m.id}?for=everyone`)),
    events: everyMemberHears,
  });

const deleteForMeRow = (scene: 'group' | 'direct') =>
  row<Message>({
    route: 'DELETE /api/messages/{id}',
    variant: `${scene}, for me`,
    scene,
    expect: membersOnly(200, scene === 'direct' ? { removed: NOT_FOUND } : {}),
    setup: ownersMessage,
    call: (w, a, m) => http(w.api(a).delete(`/api/messages/${m.id}?for=me`)),
    // My own devices only.
    observers: (_w, a) => (a === 'anonymous' ? [] : [a]),
    events: (_w, a) => (a === 'anonymous' || a === 'deleted' ? [] : [[a, 'message_deleted']]),
  });

export const MESSAGE_EDIT_ROWS: Row[] = [
  editRow('group'),
  editRow('direct'),
  deleteForEveryoneRow('group'),
  deleteForEveryoneRow('direct'),
  deleteForMeRow('group'),
  deleteForMeRow('direct'),
];
