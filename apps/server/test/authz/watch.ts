import { randomUUID } from 'node:crypto';
import type { ServerEventName } from '@herald/shared';
import type { TestSocket } from '../helpers/socket.js';
import type { LivePerson } from './actors.js';
import type { World } from './world.js';

/** Presence has its own suite (presence-privacy.test.ts) and arrives whenever sockets connect. */
const PRESENCE: ReadonlySet<string> = new Set(['user_online', 'user_offline']);

/**
 * A round trip on the socket: a command that fails (no such conversation) and is acked. Socket.IO
 * keeps one socket's packets in order, so once the ack is back, every event the server emitted to
 * this socket before it has arrived: "nothing came" is then a fact, not a timeout. A socket the
 * server disconnects (logout everywhere, deletion) has nothing more to receive.
 */
async function roundTrip(socket: TestSocket): Promise<void> {
  if (!socket.socket.connected) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      socket.socket.off('disconnect', done);
      resolve();
    };
    socket.socket.once('disconnect', done);
    void socket.emit('typing', { conversationId: randomUUID(), typing: false }).then(done);
  });
}

/** Where each watcher's recording stood when the call began. */
export type Marks = Map<LivePerson, number>;

/** Flushes every watcher and marks where its recording stands. */
export async function mark(w: World): Promise<Marks> {
  await Promise.all([...w.sockets.values()].map(roundTrip));
  return new Map([...w.sockets].map(([person, socket]) => [person, socket.received.length]));
}

/** Flushes every watcher, then returns the (non-presence) events each received since `marks`. */
export async function eventsSince(w: World, marks: Marks): Promise<Map<LivePerson, ServerEventName[]>> {
  await Promise.all([...w.sockets.values()].map(roundTrip));
  return new Map(
    [...w.sockets].map(([person, socket]) => [
      person,
      socket.received
        .slice(marks.get(person) ?? 0)
        .map((r) => r.event)
        .filter((event) => !PRESENCE.has(event)),
    ]),
  );
}
