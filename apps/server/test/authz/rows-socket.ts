import type { ClientToServerEvents } from '@herald/shared';
import { membersOnly, UNAVAILABLE } from './actors.js';
import { command, row, sealFor, type Row } from './row.js';
import { othersHear, ownersMessage } from './rows-messages.js';

/**
 * The socket commands, as their HTTP twins: members only, identity from the socket's session.
 * Anonymous and deleted accounts never get a socket (the handshake answers 401).
 */

/** Every command the client may send (ClientToServerEvents); the compiler keeps this list whole. */
export const SOCKET_COMMANDS: Record<keyof ClientToServerEvents, true> = {
  send_message: true,
  mark_read: true,
  mark_delivered: true,
  typing: true,
};

export const SOCKET_ROWS: Row[] = [
  row({
    route: 'socket send_message',
    variant: 'group',
    scene: 'group',
    expect: membersOnly(200),
    call: async (w, a) => command(w, a, 'send_message', { conversationId: w.conv, content: await sealFor(w, a) }),
    events: othersHear('receive_message'),
  }),
  row({
    route: 'socket send_message',
    variant: 'direct',
    scene: 'direct',
    expect: membersOnly(200, { removed: 200, blocked: UNAVAILABLE }),
    call: async (w, a) => command(w, a, 'send_message', { conversationId: w.conv, content: await sealFor(w, a) }),
    events: othersHear('receive_message'),
  }),
  row({
    route: 'socket mark_read',
    variant: 'group',
    scene: 'group',
    expect: membersOnly(200),
    setup: ownersMessage,
    call: (w, a) => command(w, a, 'mark_read', { conversationId: w.conv }),
  }),
  row({
    route: 'socket mark_read',
    variant: 'direct',
    scene: 'direct',
    expect: membersOnly(200, { removed: 200 }),
    setup: ownersMessage,
    call: (w, a) => command(w, a, 'mark_read', { conversationId: w.conv }),
  }),
  row<{ id: string }>({
    route: 'socket mark_delivered',
    variant: 'group',
    scene: 'group',
    expect: membersOnly(200),
    setup: ownersMessage,
    call: (w, a, m) => command(w, a, 'mark_delivered', { conversationId: w.conv, messageIds: [m.id] }),
  }),
  row<{ id: string }>({
    route: 'socket mark_delivered',
    variant: 'direct',
    scene: 'direct',
    expect: membersOnly(200, { removed: 200 }),
    setup: ownersMessage,
    call: (w, a, m) => command(w, a, 'mark_delivered', { conversationId: w.conv, messageIds: [m.id] }),
  }),
  row({
    route: 'socket typing',
    variant: 'group',
    scene: 'group',
    expect: membersOnly(200),
    call: (w, a) => command(w, a, 'typing', { conversationId: w.conv, typing: true }),
    events: (w, a) => (a === 'coMember' ? [['owner', 'typing']] : [['coMember', 'typing']]),
  }),
  row({
    route: 'socket typing',
    variant: 'direct',
    scene: 'direct',
    expect: membersOnly(200, { removed: 200, blocked: UNAVAILABLE }),
    call: (w, a) => command(w, a, 'typing', { conversationId: w.conv, typing: true }),
  }),
];
