import { randomUUID } from 'node:crypto';
import { command, http, type BadCase } from './case.js';
import { DAY, fromNow, type BadInputContext } from './context.js';

/**
 * Forged ids: not UUIDs, other users' ids, percent-encoded, `..`, overlong. An id in the path
 * that names nothing the caller may see is 404, whatever its spelling ("not yours" looks like
 * "does not exist", DESIGN section 8); a malformed id in a body is 400. The actor-by-route checks
 * (a removed member, a blocked user...) are the authorization matrix's; these are about spelling.
 */

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function path(
  name: string,
  method: Method,
  url: (ctx: BadInputContext) => string,
  json?: (ctx: BadInputContext) => unknown,
): BadCase {
  return http('id', name, 'alice', (ctx) => ({ method, url: url(ctx), ...(json ? { json: json(ctx) } : {}) }), {
    code: 'not_found',
  });
}

const NIL = '00000000-0000-0000-0000-000000000000';
/** Every character percent-encoded: the router decodes it to the same id. */
const encodeAll = (id: string) => [...id].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');

export function idCases(): BadCase[] {
  return [
    path('conversation "abc"', 'GET', () => '/api/conversations/abc'),
    path('conversation: a 2,000-character id', 'GET', () => `/api/conversations/${'a'.repeat(2000)}`),
    path(
      'conversation: a UUID with 40 extra digits',
      'GET',
      (ctx) => `/api/conversations/${ctx.chat.id}${'0'.repeat(40)}`,
    ),
    path('conversation: ..%2fusers', 'GET', () => '/api/conversations/..%2fusers'),
    path('conversation: %2e%2e', 'GET', () => '/api/conversations/%2e%2e'),
    path(
      'conversation: ../users/me (a different route, read as a user id)',
      'GET',
      () => '/api/conversations/../users/me',
    ),
    path('conversation: braces around the id', 'GET', (ctx) => `/api/conversations/%7B${ctx.chat.id}%7D`),
    path("conversation: others' chat", 'GET', (ctx) => `/api/conversations/${ctx.othersChat.id}`),
    path(
      "conversation: others' chat, every character percent-encoded",
      'GET',
      (ctx) => `/api/conversations/${encodeAll(ctx.othersChat.id)}`,
    ),
    path("messages: others' chat", 'GET', (ctx) => `/api/conversations/${ctx.othersChat.id}/messages`),
    path(
      "send: into others' chat",
      'POST',
      (ctx) => `/api/conversations/${ctx.othersChat.id}/messages`,
      (ctx) => ({ content: ctx.sealed.text }),
    ),
    path("read: others' chat", 'POST', (ctx) => `/api/conversations/${ctx.othersChat.id}/read`),
    path("delete: others' chat", 'DELETE', (ctx) => `/api/conversations/${ctx.othersChat.id}`),
    path('user: the nil UUID', 'GET', () => `/api/users/${NIL}`),
    path('user: an unknown UUID', 'GET', () => `/api/users/${randomUUID()}`),
    path('block: an unknown UUID', 'PUT', () => `/api/users/${randomUUID()}/block`),
    path("scheduled: bob's, read", 'GET', (ctx) => `/api/scheduled-messages/${ctx.bobsScheduled.id}`),
    path(
      "scheduled: bob's, edited",
      'PUT',
      (ctx) => `/api/scheduled-messages/${ctx.bobsScheduled.id}`,
      (ctx) => ({ content: ctx.sealed.text }),
    ),
    path("scheduled: bob's, cancelled", 'DELETE', (ctx) => `/api/scheduled-messages/${ctx.bobsScheduled.id}`),
    path("scheduled: bob's, sent now", 'POST', (ctx) => `/api/scheduled-messages/${ctx.bobsScheduled.id}/send-now`),
    path("scheduled: bob's, dismissed", 'POST', (ctx) => `/api/scheduled-messages/${ctx.bobsScheduled.id}/dismiss`),
    path(
      "scheduled: bob's, restored",
      'POST',
      (ctx) => `/api/scheduled-messages/${ctx.bobsScheduled.id}/restore`,
      () => ({ version: 1 }),
    ),
    path('scheduled: "failures" under another method', 'GET', () => '/api/scheduled-messages/failures'),
    path("media: bob's unattached upload", 'GET', (ctx) => `/api/media/${ctx.bobsMediaId}`),
    path('media: ../../etc/passwd', 'GET', () => '/api/media/..%2f..%2fetc%2fpasswd'),
    path(
      'reaction: an unknown message',
      'PUT',
      () => `/api/messages/${randomUUID()}/reaction`,
      () => ({ emoji: '👍' }),
    ),
    path(
      'member: remove an unknown user',
      'DELETE',
      (ctx) => `/api/conversations/${ctx.group.id}/members/${randomUUID()}`,
    ),
    path(
      'member: role of a non-member',
      'PATCH',
      (ctx) => `/api/conversations/${ctx.group.id}/members/${ctx.carol.id}`,
      () => ({ role: 'admin' }),
    ),
    http(
      'id',
      'direct: userId not a UUID',
      'alice',
      () => ({ method: 'POST', url: '/api/conversations/direct', json: { userId: 'bob' } }),
      {
        code: 'validation_failed',
      },
    ),
    http(
      'id',
      'direct: an unknown userId',
      'alice',
      () => ({
        method: 'POST',
        url: '/api/conversations/direct',
        json: { userId: randomUUID() },
      }),
      { code: 'not_found' },
    ),
    http(
      'id',
      "schedule: into others' chat",
      'alice',
      (ctx) => ({
        method: 'POST',
        url: '/api/scheduled-messages',
        json: { conversationId: ctx.othersChat.id, content: ctx.sealed.text, scheduledTime: fromNow(ctx, DAY) },
      }),
      { code: 'not_found' },
    ),
    http(
      'id',
      'schedule: senderId of bob',
      'alice',
      (ctx) => ({
        method: 'POST',
        url: '/api/scheduled-messages',
        json: {
          senderId: ctx.bob.id,
          conversationId: ctx.chat.id,
          content: ctx.sealed.text,
          scheduledTime: fromNow(ctx, DAY),
        },
      }),
      { code: 'sender_mismatch' },
    ),
    http(
      'id',
      "send: with bob's upload as media",
      'alice',
      (ctx) => ({
        method: 'POST',
        url: `/api/conversations/${ctx.chat.id}/messages`,
        json: { content: ctx.sealed.image, contentType: 'image', mediaId: ctx.bobsMediaId },
      }),
      { code: 'not_found' },
    ),
    http(
      'id',
      'send: replying to an unknown message',
      'alice',
      (ctx) => ({
        method: 'POST',
        url: `/api/conversations/${ctx.chat.id}/messages`,
        json: { content: ctx.sealed.text, replyToId: randomUUID() },
      }),
      { code: 'not_found' },
    ),
    command(
      'id',
      "into others' chat",
      'send_message',
      (ctx) => ({ conversationId: ctx.othersChat.id, content: ctx.sealed.text }),
      'not_found',
    ),
    command('id', "others' chat", 'mark_read', (ctx) => ({ conversationId: ctx.othersChat.id }), 'not_found'),
    command(
      'id',
      "others' chat",
      'typing',
      (ctx) => ({ conversationId: ctx.othersChat.id, typing: true }),
      'not_found',
    ),
  ];
}
