import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@herald/shared';
import type { Broadcaster } from '../lib/broadcaster.js';
import { originRule } from '../lib/origin.js';

export interface SocketData {
  userId: string;
  sessionId: string;
}

export type HeraldIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type HeraldSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * The Socket.IO server on the app's HTTP server. The `Origin` of the handshake must be ours (or a
 * configured one): a page on another site cannot open a socket with the user's cookie. With
 * Redis, the adapter fans events out to sockets held by every server process.
 */
export function createSocketServer(
  httpServer: HttpServer,
  options: { allowedOrigins: readonly string[]; maxFrameBytes: number; redis?: { pub: Redis; sub: Redis } },
): HeraldIo {
  const originAllowed = originRule(options.allowedOrigins);
  const io: HeraldIo = new Server(httpServer, {
    serveClient: false,
    // Stated rather than left to the default (1e6): a send_message carries a whole envelope.
    maxHttpBufferSize: options.maxFrameBytes,
    allowRequest: (req, callback) => {
      // The raw handshake request has no trusted scheme (Fastify's trustProxy does not see it), so
      // either scheme of the Host it asked for counts as ours.
      const ok = originAllowed(req.headers.origin, { host: req.headers.host, schemes: ['http', 'https'] });
      callback(ok ? null : 'origin not allowed', ok);
    },
  });
  if (options.redis) io.adapter(createAdapter(options.redis.pub, options.redis.sub, { key: 'herald' }));
  // Engine.IO answers its HTTP requests (handshake, long polling) itself, outside Fastify's hooks:
  // the headers that matter for non-HTML answers are set here.
  io.engine.on('headers', (headers: Record<string, string>) => {
    headers['X-Content-Type-Options'] = 'nosniff';
    headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    headers['Referrer-Policy'] = 'no-referrer';
  });
  return io;
}

export function socketBroadcaster(io: HeraldIo, options: { clustered: boolean }): Broadcaster {
  const localRooms = io.of('/').adapter.rooms;
  return {
    toUsers(userIds, event, payload) {
      // In one process, rooms without a connected socket are skipped before encoding anything
      // (a burst of deliveries to offline users costs nothing here). Clustered, other processes
      // may hold those users' sockets, so the adapter must publish regardless.
      const rooms = [...new Set(userIds)].map(userRoom).filter((room) => options.clustered || localRooms.has(room));
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
