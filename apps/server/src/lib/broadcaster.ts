import type { ServerEventName, ServerEventPayload } from '@herald/shared';

/**
 * How modules reach users' devices. Events go to users (every connected device of each), never
 * to client-chosen rooms; recipients are computed from current membership at emit time, so a
 * removed member stops receiving at once. The realtime layer implements it over Socket.IO (and
 * Redis across processes); modules never import socket.io.
 */
export interface Broadcaster {
  toUsers<E extends ServerEventName>(userIds: Iterable<string>, event: E, payload: ServerEventPayload<E>): void;
  /** Disconnects every socket of the user, optionally sparing one session's sockets. */
  disconnectUser(userId: string, exceptSessionId?: string): void;
  disconnectSession(sessionId: string): void;
}
