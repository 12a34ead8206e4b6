import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@herald/shared';
import type { Broadcaster } from '../lib/broadcaster.js';
import { originRule } from '../lib/origin.js';
import { connectionStateRecovery, holdMissedPackets, MAX_DISCONNECTION_MS } from './recovery.js';

export interface SocketData {
  userId: string;
  sessionId: string;
}

export type HeraldIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type HeraldSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/** A look at the handshake request before it is answered (registerSocketHandlers reads the session there). */
export type HandshakeCheck = (req: IncomingMessage) => Promise<void>;
const handshakeChecks = new WeakMap<HeraldIo, HandshakeCheck>();

/** Installs the check run on every new connection's handshake, after the Origin rule. */
export function checkHandshakes(io: HeraldIo, check: HandshakeCheck): void {
  handshakeChecks.set(io, check);
}

/** Herald's names in Redis: the stream, the channels between processes, and recovery sessions. */
const REDIS_STREAMS = {
  streamName: 'herald:socket.io',
  channelPrefix: 'herald:socket.io',
  sessionKeyPrefix: 'herald:socket.io:session:',
  // Every process reads every event from the stream; an event trimmed away before a lagging
  // process read it is lost for that process's sockets (the adapter skips silently to the oldest
  // entry left). The adapter's default, 10,000, is less than one burst: 20,000 scheduled messages
  // due at once are 40,000 events (the recipients' and the sender's), published within seconds
  // while each process decodes them one by one. 100,000 entries hold such a burst; at a few KB
  // per event (an envelope) that is a few hundred MB of Redis memory at most, and it also lets a
  // socket recover a longer gap (recovery.ts).
  maxLen: 100_000,
  // Entries per XREAD: a process catching up on a burst makes 10 times fewer round trips than
  // with the default 100, and an idle stream answers at once either way.
  readCount: 1_000,
};

/**
 * The Socket.IO server on the app's HTTP server. The `Origin` of the handshake must be ours (or a
 * configured one): a page on another site cannot open a socket with the user's cookie. With
 * connection-state recovery (recovery.ts). With Redis, the Redis Streams adapter fans events out
 * to sockets held by every server process: events go through a stream that each process reads
 * from where it left off, so a Redis restart delays them instead of dropping them, and a socket
 * can recover its missed events on any process.
 *
 * Without an HTTP server (a dispatcher process), no client can connect: the server only
 * broadcasts, through the Redis adapter, to sockets that the other processes hold.
 */
export function createSocketServer(
  httpServer: HttpServer | undefined,
  options: { allowedOrigins: readonly string[]; maxFrameBytes: number; redis?: Redis },
): HeraldIo {
  const originAllowed = originRule(options.allowedOrigins);
  const io: HeraldIo = new Server({
    serveClient: false,
    // Stated rather than left to the default (1e6): a send_message carries a whole envelope.
    maxHttpBufferSize: options.maxFrameBytes,
    connectionStateRecovery,
    // Without Redis, Socket.IO's in-memory adapter that keeps sessions and packets for recovery.
    ...(options.redis ? { adapter: createAdapter(options.redis, REDIS_STREAMS) } : {}),
    allowRequest: (req, callback) => {
      // The raw handshake request has no trusted scheme (Fastify's trustProxy does not see it), so
      // either scheme of the Host it asked for counts as ours.
      const ok = originAllowed(req.headers.origin, { host: req.headers.host, schemes: ['http', 'https'] });
      if (!ok) return callback('origin not allowed', false);
      const check = handshakeChecks.get(io);
      if (!check) return callback(null, true);
      check(req).then(
        () => callback(null, true),
        () => callback(null, true), // the middleware refuses it, with the answer clients understand
      );
    },
  });
  holdMissedPackets(io.of('/').adapter);
  if (!httpServer) return io;
  io.attach(httpServer);
  // Engine.IO answers its HTTP requests (handshake, long polling) itself, outside Fastify's hooks:
  // the headers that matter for non-HTML answers are set here.
  io.engine.on('headers', (headers: Record<string, string>) => {
    headers['X-Content-Type-Options'] = 'nosniff';
    headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    headers['Referrer-Policy'] = 'no-referrer';
  });
  return io;
}

/**
 * Closes the server: its sockets ("server shutting down", so that clustered ones recover on
 * another process), then its adapter. io.close() does both for an attached server; a detached
 * one has no Engine.IO server for io.close() to close, so only its adapter is closed.
 */
export async function closeSocketServer(io: HeraldIo): Promise<void> {
  // Typed as always present, but undefined until attach().
  if ((io.engine as HeraldIo['engine'] | undefined) === undefined) {
    await io.of('/').adapter.close();
    return;
  }
  await new Promise<void>((resolve) => void io.close(() => resolve()));
}

/**
 * User rooms whose last socket left less than MAX_DISCONNECTION_MS ago: a socket may still come
 * back and recover what was broadcast to them meanwhile, so broadcasts to them must still be made.
 */
function recentlyEmptiedRooms(io: HeraldIo): (room: string) => boolean {
  const emptiedAt = new Map<string, number>();
  let sweptAt = Date.now();
  const adapter = io.of('/').adapter;
  // Socket.IO times sessions with Date.now(), so this does too.
  adapter.on('delete-room', (room: string) => {
    if (!room.startsWith('user:')) return;
    const now = Date.now();
    emptiedAt.set(room, now);
    if (now - sweptAt < MAX_DISCONNECTION_MS) return;
    sweptAt = now;
    for (const [key, at] of emptiedAt) if (now - at > MAX_DISCONNECTION_MS) emptiedAt.delete(key);
  });
  adapter.on('create-room', (room: string) => emptiedAt.delete(room));
  return (room) => {
    const at = emptiedAt.get(room);
    return at !== undefined && Date.now() - at <= MAX_DISCONNECTION_MS;
  };
}

export function socketBroadcaster(io: HeraldIo, options: { clustered: boolean }): Broadcaster {
  const localRooms = io.of('/').adapter.rooms;
  const awaitingRecovery = recentlyEmptiedRooms(io);
  return {
    toUsers(userIds, event, payload) {
      // In one process, rooms without a connected socket (nor one that may recover) are skipped
      // before encoding anything: a burst of deliveries to offline users costs nothing here.
      // Clustered, other processes may hold those users' sockets, so the adapter must publish.
      const rooms = [...new Set(userIds)]
        .map(userRoom)
        .filter((room) => options.clustered || localRooms.has(room) || awaitingRecovery(room));
      if (rooms.length === 0) return;
      // Typed per event at the interface; Socket.IO's emit overloads cannot follow a generic here.
      (io.to(rooms).emit as (e: string, p: unknown) => boolean)(event, payload);
    },
    disconnectUser(userId, exceptSessionId) {
      const target = exceptSessionId
        ? io.in(userRoom(userId)).except(sessionRoom(exceptSessionId))
        : io.in(userRoom(userId));
      target.disconnectSockets(true);
    },
    disconnectSession(sessionId) {
      io.in(sessionRoom(sessionId)).disconnectSockets(true);
    },
  };
}
