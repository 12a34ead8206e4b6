import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import {
  ERROR_CATALOGUE,
  MarkDeliveredCommand,
  MarkReadCommand,
  SendMessageCommand,
  TypingCommand,
  type Ack,
  type UserId,
} from '@herald/shared';
import type { z } from 'zod';
import type { Db } from '../db/db.js';
import { unavailableError } from '../db/errors.js';
import { AppError } from '../lib/app-error.js';
import type { Broadcaster } from '../lib/broadcaster.js';
import type { Clock } from '../lib/clock.js';
import type { RateLimiter, RateLimitRules } from '../lib/rate-limiter.js';
import { parseInput } from '../lib/validate.js';
import { SESSION_COOKIE, type Auth } from '../modules/auth/index.js';
import {
  assertMayPost,
  selectContactIds,
  selectCurrentMemberIds,
  selectPostingContext,
} from '../modules/membership/index.js';
import type { MessagesService } from '../modules/messages/index.js';
import { updateLastSeen } from '../modules/users/index.js';
import type { PresenceTracker } from './presence.js';
import { recoveredAsSameSession, takeMissedPackets } from './recovery.js';
import {
  checkHandshakes,
  sessionRoom,
  userRoom,
  type HeraldIo,
  type HeraldSocket,
  type SocketData,
} from './socket-server.js';

export interface SocketHandlersDeps {
  db: Db;
  clock: Clock;
  auth: Auth;
  messages: MessagesService;
  broadcaster: Broadcaster;
  presence: PresenceTracker;
  log: FastifyBaseLogger;
  /** Fastify's cookie parser (`app.parseCookie`): the handshake reads the session cookie as HTTP requests do. */
  parseCookie: (header: string) => Record<string, string | undefined>;
  rateLimiter: RateLimiter;
  /** Every command counts against `socketCommand`; send_message also against `send`, with HTTP sends. */
  limits: Pick<RateLimitRules, 'socketCommand' | 'send'>;
}

/** Turns any thrown error into the one ack shape; unexpected ones are logged, not leaked. */
function failure(error: unknown, log: FastifyBaseLogger): Ack<never> {
  const unavailable = unavailableError(error);
  if (unavailable) log.warn({ err: error }, 'socket command: database busy or unreachable');
  error = unavailable ?? error;
  if (error instanceof AppError) {
    return {
      ok: false,
      error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
    };
  }
  log.error({ err: error }, 'socket command failed');
  return { ok: false, error: { code: 'internal_error', message: ERROR_CATALOGUE.internal_error.message } };
}

/**
 * The session a handshake's cookie names, as HTTP requests read it; null when there is none; the
 * 503 (not_ready, busy) when the database cannot tell.
 */
async function sessionOf(req: IncomingMessage, deps: SocketHandlersDeps): Promise<SocketData | null | AppError> {
  const header = req.headers.cookie;
  const token = header ? deps.parseCookie(header)[SESSION_COOKIE] : undefined;
  if (!token) return null;
  try {
    const auth = await deps.auth.authenticate(token);
    return auth ? { userId: auth.user.id, sessionId: auth.sessionId } : null;
  } catch (error) {
    // The database is down or busy: "try again" (not_ready/busy), never "unauthenticated",
    // which a client takes for a signed-out session.
    const unavailable = unavailableError(error);
    if (unavailable) {
      deps.log.warn({ err: error }, 'socket authentication: database busy or unreachable');
      return unavailable;
    }
    deps.log.error({ err: error }, 'socket authentication failed');
    return null;
  }
}

/**
 * The handshake: a socket is its session's. The cookie is read when the connection opens, before
 * Socket.IO answers it, so that the middleware decides at once: a recovered socket is accepted in
 * the same tick as its missed events were read, and no broadcast can fall in between (it would
 * reach neither the missed events nor the not-yet-connected socket). A second socket on the same
 * connection reads the cookie again.
 */
function authenticateHandshake(io: HeraldIo, deps: SocketHandlersDeps): void {
  const opened = new WeakMap<IncomingMessage, SocketData | null | AppError>();
  checkHandshakes(io, async (req) => void opened.set(req, await sessionOf(req, deps)));
  const admit = (socket: HeraldSocket, session: SocketData | null | AppError, next: (error?: Error) => void) => {
    if (session instanceof AppError) {
      return next(Object.assign(new Error(session.code), { data: session.details }));
    }
    // A recovered socket must come back with the session it had (recovery.ts).
    if (!session || !recoveredAsSameSession(socket, session.sessionId)) return next(new Error('unauthenticated'));
    socket.data.userId = session.userId;
    socket.data.sessionId = session.sessionId;
    next();
  };
  io.use((socket, next) => {
    const session = opened.get(socket.request);
    if (session !== undefined) {
      opened.delete(socket.request);
      return admit(socket, session, next);
    }
    void sessionOf(socket.request, deps).then((later) => admit(socket, later, next));
  });
}

/** Online when the user's first socket connects, offline (last seen now) when their last one goes. */
function trackPresence(socket: HeraldSocket, deps: SocketHandlersDeps): void {
  const { db, clock, broadcaster, presence, log } = deps;
  const { userId } = socket.data;
  presence
    .connected(userId, socket.id)
    .then(async (cameOnline) => {
      if (!cameOnline) return;
      broadcaster.toUsers(await selectContactIds(db, userId), 'user_online', { userId: userId as UserId });
    })
    .catch((error: unknown) => log.error({ err: error }, 'presence update failed'));

  socket.on('disconnect', (reason) => {
    // The process is closing: its sockets come back through another process (or this one,
    // restarted) in a moment; presence.close() takes them out of the count. No "offline" to
    // announce, and the database may already be closed.
    if (reason === 'server shutting down') return;
    presence
      .disconnected(userId, socket.id)
      .then(async (wentOffline) => {
        if (!wentOffline) return;
        const at = clock.now();
        await updateLastSeen(db, userId, at);
        broadcaster.toUsers(await selectContactIds(db, userId), 'user_offline', {
          userId: userId as UserId,
          lastSeenAt: at.toISOString(),
        });
      })
      .catch((error: unknown) => log.error({ err: error }, 'presence update failed'));
  });
}

/**
 * Wraps a command: count it against the user's socket budget, parse the payload with its shared
 * schema (once: the service gets the parsed value), run it as the socket's user, answer through
 * the ack.
 */
function command<S extends z.ZodType, R>(
  socket: HeraldSocket,
  deps: SocketHandlersDeps,
  schema: S,
  run: (userId: string, input: z.output<S>) => Promise<R>,
) {
  return (payload: unknown, ack?: (result: Ack<R>) => void) => {
    const reply = typeof ack === 'function' ? ack : () => {};
    const userId = socket.data.userId;
    deps.rateLimiter
      .enforce(deps.limits.socketCommand, userId)
      .then(() => run(userId, parseInput(schema, payload, 'payload')))
      .then((data) => reply({ ok: true, data }))
      .catch((error: unknown) => reply(failure(error, deps.log)));
  };
}

/** The client commands (ClientToServerEvents). */
function serveCommands(socket: HeraldSocket, deps: SocketHandlersDeps): void {
  const { db, messages, broadcaster } = deps;

  socket.on(
    'send_message',
    command(socket, deps, SendMessageCommand, async (me, { conversationId, ...body }) => {
      // One budget with HTTP sends (the route's limit), counted for valid sends as there.
      await deps.rateLimiter.enforce(deps.limits.send, me);
      return (await messages.send(me, conversationId, body)).message;
    }),
  );

  socket.on(
    'mark_read',
    command(socket, deps, MarkReadCommand, (me, { conversationId }) => messages.markRead(me, conversationId)),
  );

  socket.on(
    'mark_delivered',
    command(socket, deps, MarkDeliveredCommand, async (me, { conversationId, messageIds }) => {
      await messages.markDelivered(me, conversationId, messageIds);
      return null;
    }),
  );

  socket.on(
    'typing',
    command(socket, deps, TypingCommand, async (me, { conversationId, typing }) => {
      // Who may not post here may not be seen typing either (a block in a direct chat).
      assertMayPost(await selectPostingContext(db, me, { conversationId }));
      const others = (await selectCurrentMemberIds(db, conversationId)).filter((id) => id !== me);
      broadcaster.toUsers(others, 'typing', { conversationId, userId: me as UserId, typing });
      return null;
    }),
  );
}

/**
 * Authenticates every socket by its session cookie, joins it to its user's and session's rooms,
 * tracks presence, and serves the client commands. Identity always comes from the socket's
 * session, never from a payload.
 */
export function registerSocketHandlers(io: HeraldIo, deps: SocketHandlersDeps): void {
  authenticateHandshake(io, deps);
  io.on('connection', (socket: HeraldSocket) => {
    const { userId, sessionId } = socket.data;
    // A recovered socket has these rooms back already; joining a room twice changes nothing.
    void socket.join([userRoom(userId), sessionRoom(sessionId)]);
    // What it missed while away, before anything newer (this runs in the tick it connected).
    for (const packet of takeMissedPackets(socket)) (socket.emit as (...args: unknown[]) => boolean)(...packet);
    // Its old socket's disconnect counted it offline: a recovered socket counts again.
    trackPresence(socket, deps);
    serveCommands(socket, deps);
  });
}
