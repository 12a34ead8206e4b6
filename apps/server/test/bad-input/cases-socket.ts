import { MAX_REQUEST_BYTES } from '../../src/lib/request-limits.js';
import { disconnected } from '../helpers/socket.js';
import { custom, type BadCase, type Outcome } from './case.js';
import { LIMITS, rawSocket, send, socketOf, type BadInputContext, type HttpOutcome } from './context.js';

/**
 * Floods and oversize frames. Every command counts against the user's socket budget
 * (RATE_LIMIT_SOCKET_EVENTS_PER_MINUTE), live sends also against the send budget shared with
 * HTTP; login and scheduling have HTTP limits of their own. The runner starts every case on fresh
 * windows, so each flood below sends exactly its limit and then one more: that one is refused. A
 * frame over maxHttpBufferSize (MAX_REQUEST_BYTES) closes the socket.
 */

async function ackFlood(
  ctx: BadInputContext,
  event: string,
  count: number,
  emit: (socket: Awaited<ReturnType<typeof socketOf>>) => Promise<{ ok: boolean; error?: { code: string } }>,
): Promise<Outcome> {
  const socket = await socketOf(ctx, 'alice');
  ctx.seen.add(`socket ${event}`);
  for (let i = 0; i < count; i++) {
    const ack = await emit(socket);
    if (!ack.ok && ack.error?.code === 'rate_limited')
      throw new Error(`rate limited after ${i}, before the limit (${count})`);
  }
  const last = await emit(socket);
  return { kind: 'ack', ok: last.ok, code: last.ok ? undefined : last.error?.code };
}

async function httpFlood(ctx: BadInputContext, count: number, request: () => Promise<HttpOutcome>): Promise<Outcome> {
  for (let i = 0; i < count; i++) {
    const res = await request();
    if (res.status === 429) throw new Error(`rate limited after ${i}, before the limit (${count})`);
  }
  return request();
}

async function oversize(ctx: BadInputContext, payload: unknown): Promise<Outcome> {
  const socket = await socketOf(ctx, 'alice');
  ctx.seen.add('socket send_message');
  const closed = disconnected(socket);
  // No ack awaited: the server never reads this frame.
  socket.socket.emit('send_message', payload as never, () => {});
  const reason = await Promise.race([
    closed,
    new Promise<string>((resolve) => setTimeout(() => resolve('still open after 5 s'), 5_000)),
  ]);
  return reason === 'still open after 5 s' ? { kind: 'ack', ok: true, code: undefined } : { kind: 'closed', reason };
}

export function socketCases(): BadCase[] {
  return [
    custom(
      'socket',
      `typing flood: ${LIMITS.socketEvents + 1} events in a minute`,
      (ctx) =>
        ackFlood(ctx, 'typing', LIMITS.socketEvents, (socket) =>
          socket.emit('typing', { conversationId: ctx.chat.id, typing: true }),
        ),
      { ack: 'rate_limited' },
    ),
    custom(
      'socket',
      `malformed-command flood: ${LIMITS.socketEvents + 1} invalid payloads`,
      (ctx) =>
        ackFlood(ctx, 'mark_read', LIMITS.socketEvents, (socket) => socket.emit('mark_read', { conversationId: 'x' })),
      { ack: 'rate_limited' },
    ),
    custom(
      'socket',
      `send_message flood: ${LIMITS.messages + 1} sends (plaintext, refused) in a minute`,
      (ctx) =>
        ackFlood(ctx, 'send_message', LIMITS.messages, (socket) =>
          socket.emit('send_message', { conversationId: ctx.chat.id, content: 'plain' }),
        ),
      { ack: 'rate_limited' },
    ),
    custom(
      'socket',
      `HTTP send flood: ${LIMITS.messages + 1} sends (plaintext, refused) in a minute`,
      (ctx) =>
        httpFlood(ctx, LIMITS.messages, () =>
          send(ctx, 'alice', {
            method: 'POST',
            url: `/api/conversations/${ctx.chat.id}/messages`,
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify({ content: 'plain' }),
          }),
        ),
      { code: 'rate_limited' },
    ),
    custom(
      'socket',
      `login flood: ${LIMITS.login + 1} wrong keys in a minute`,
      (ctx) =>
        httpFlood(ctx, LIMITS.login, () =>
          send(ctx, 'anon', {
            method: 'POST',
            url: '/api/auth/login',
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify({ username: ctx.alice.username, authKey: 'B'.repeat(43) }),
          }),
        ),
      { code: 'rate_limited' },
    ),
    custom(
      'socket',
      `scheduling flood: ${LIMITS.schedule + 1} invalid creates in a minute`,
      (ctx) =>
        httpFlood(ctx, LIMITS.schedule, () =>
          send(ctx, 'alice', {
            method: 'POST',
            url: '/api/scheduled-messages',
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify({ conversationId: ctx.chat.id, content: 'plain', scheduledTime: 'soon' }),
          }),
        ),
      { code: 'rate_limited' },
    ),
    custom(
      'socket',
      `a send_message frame over ${MAX_REQUEST_BYTES} bytes`,
      (ctx) => oversize(ctx, { conversationId: ctx.chat.id, content: 'x'.repeat(MAX_REQUEST_BYTES + 1) }),
      { closed: true },
    ),
    custom(
      'socket',
      'a binary frame over the limit',
      (ctx) => oversize(ctx, { conversationId: ctx.chat.id, content: Buffer.alloc(MAX_REQUEST_BYTES + 1, 1) }),
      { closed: true },
    ),
    custom(
      'socket',
      'a handshake without a cookie',
      async (ctx) => {
        try {
          (await rawSocket(ctx, undefined)).close();
          return { kind: 'ack', ok: true, code: undefined };
        } catch (error) {
          return { kind: 'refused', message: (error as Error).message };
        }
      },
      { refused: /unauthenticated/ },
    ),
    custom(
      'socket',
      'a handshake with the session cookie under another name',
      async (ctx) => {
        try {
          (await rawSocket(ctx, ctx.alice.client.cookie!.replace('herald_session=', 'session='))).close();
          return { kind: 'ack', ok: true, code: undefined };
        } catch (error) {
          return { kind: 'refused', message: (error as Error).message };
        }
      },
      { refused: /unauthenticated/ },
    ),
  ];
}
