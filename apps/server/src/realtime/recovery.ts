import type { Namespace } from 'socket.io';

/**
 * Connection-state recovery: a socket that lost its transport and comes back within
 * MAX_DISCONNECTION_MS gets its id and rooms back and every event broadcast to it meanwhile
 * (Socket.IO keeps them: in memory in one process, in the Redis stream when clustered). Later
 * than that, or when the packets are gone (Redis restarted), it connects as new and the client
 * catches up over HTTP.
 *
 * The handshake still runs for a recovered socket (`skipMiddlewares: false`): the session
 * cookie is checked again, so a session revoked while the socket was away does not come back.
 */
export const MAX_DISCONNECTION_MS = 2 * 60_000;

export const connectionStateRecovery = { maxDisconnectionDuration: MAX_DISCONNECTION_MS, skipMiddlewares: false };

/**
 * How long a handshake waits for the adapter to find a session. Clustered, the lookup is a Redis
 * call that waits for Redis while it is down; the socket then starts fresh (and catches up)
 * rather than hang.
 */
const RESTORE_TIMEOUT_MS = 2_000;

type Adapter = Namespace['adapter'];
type Session = NonNullable<Awaited<ReturnType<Adapter['restoreSession']>>>;
type Packet = Session['missedPackets'][number];

/** Missed packets of a recovered socket, keyed by its (restored) data object, until it is accepted. */
const held = new WeakMap<object, Packet[]>();

/** What this module needs of a socket (socket-server.ts's HeraldSocket is one). */
interface RecoveringSocket {
  recovered: boolean;
  data: { sessionId?: string };
}

function withinTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([promise.catch(() => null), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Socket.IO writes a recovered session's missed packets to the transport as it builds the socket,
 * before the handshake middleware has looked at the cookie: a revoked session would still be sent
 * what was broadcast to it while away. This holds them back; `replayMissedPackets` sends them once
 * the socket is accepted.
 */
export function holdMissedPackets(adapter: Adapter): void {
  const restore = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    // The in-memory adapter answers null synchronously when it has nothing.
    const session = await withinTimeout(Promise.resolve(restore(pid, offset)), RESTORE_TIMEOUT_MS);
    if (!session) return session as unknown as Session;
    const data: object = { ...(session.data as object) };
    held.set(data, session.missedPackets);
    return { ...session, data, missedPackets: [] };
  };
}

/**
 * A recovered socket is only its own session's: the cookie must name the session it had before
 * (a different user signed in on that browser gets a fresh socket, never the other's rooms).
 */
export function recoveredAsSameSession(socket: RecoveringSocket, sessionId: string): boolean {
  return !socket.recovered || socket.data.sessionId === sessionId;
}

/**
 * What an accepted recovered socket missed, in order, for the connection handler to send before
 * any newer event. Each packet is [event, ...args, offset]: the offset last, as Socket.IO sends it,
 * so that the client knows where it now is.
 */
export function takeMissedPackets(socket: RecoveringSocket): unknown[][] {
  const packets = held.get(socket.data) ?? [];
  held.delete(socket.data);
  return packets;
}
