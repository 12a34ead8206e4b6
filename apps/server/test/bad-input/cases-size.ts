import { randomUUID } from 'node:crypto';
import { MAX_CONTENT_LENGTH, MAX_GROUP_MEMBERS } from '@herald/shared';
import { MAX_REQUEST_BYTES } from '../../src/lib/request-limits.js';
import { command, http, type BadCase } from './case.js';
import { DAY, fromNow, registrationBody, type BadInputContext } from './context.js';

/**
 * Sizes: empty where something is required, one over each limit, huge strings and arrays, deep
 * nesting. Within the body limit a field over its own limit is 400 validation_failed naming it;
 * a body over MAX_REQUEST_BYTES is 413.
 */

const uuids = (n: number) => Array.from({ length: n }, () => randomUUID());
const deepArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

function post(name: string, url: (ctx: BadInputContext) => string, body: (ctx: BadInputContext) => unknown): BadCase {
  return http('size', name, 'alice', (ctx) => ({ method: 'POST', url: url(ctx), json: body(ctx) }), {
    code: 'validation_failed',
  });
}

function patch(name: string, url: (ctx: BadInputContext) => string, body: unknown): BadCase {
  return http('size', name, 'alice', (ctx) => ({ method: 'PATCH', url: url(ctx), json: body }), {
    code: 'validation_failed',
  });
}

function get(name: string, url: (ctx: BadInputContext) => string): BadCase {
  return http('size', name, 'alice', (ctx) => ({ method: 'GET', url: url(ctx) }), { code: 'validation_failed' });
}

const messages = (ctx: BadInputContext) => `/api/conversations/${ctx.chat.id}/messages`;
const me = () => '/api/users/me';
const group = () => '/api/conversations/group';

export function sizeCases(): BadCase[] {
  return [
    http(
      'size',
      'register a 2-character username',
      'anon',
      async (ctx) => ({
        method: 'POST',
        url: '/api/auth/register',
        json: await registrationBody(ctx, { username: 'ab' }),
      }),
      { code: 'validation_failed' },
    ),
    http(
      'size',
      'register a 33-character username',
      'anon',
      async (ctx) => ({
        method: 'POST',
        url: '/api/auth/register',
        json: await registrationBody(ctx, { username: 'a'.repeat(33) }),
      }),
      { code: 'validation_failed' },
    ),
    http(
      'size',
      'register a 65-character display name',
      'anon',
      async (ctx) => ({
        method: 'POST',
        url: '/api/auth/register',
        json: await registrationBody(ctx, { displayName: 'N'.repeat(65) }),
      }),
      { code: 'validation_failed' },
    ),
    http(
      'size',
      'register a 21-character KDF salt',
      'anon',
      async (ctx) => {
        const body = await registrationBody(ctx);
        return {
          method: 'POST',
          url: '/api/auth/register',
          json: { ...body, kdf: { ...(body.kdf as object), salt: 'C'.repeat(21) } },
        };
      },
      { code: 'validation_failed' },
    ),
    patch('profile: a 65-character display name', me, { displayName: 'N'.repeat(65) }),
    patch('profile: an empty display name', me, { displayName: '' }),
    patch('profile: a display name of spaces', me, { displayName: '   ' }),
    patch('profile: a 65-character time zone', me, { timeZone: 'Z'.repeat(65) }),
    patch('profile: an empty body', me, {}),
    post('group: a 101-character title', group, () => ({ title: 'T'.repeat(101) })),
    post('group: an empty title', group, () => ({ title: '' })),
    post('group: 256 other members (the group holds 256)', group, () => ({
      title: 'T',
      memberIds: uuids(MAX_GROUP_MEMBERS),
    })),
    post(
      'add members: none',
      (ctx) => `/api/conversations/${ctx.group.id}/members`,
      () => ({ userIds: [] }),
    ),
    post(
      'add members: 257',
      (ctx) => `/api/conversations/${ctx.group.id}/members`,
      () => ({ userIds: uuids(257) }),
    ),
    post('send: content one over MAX_CONTENT_LENGTH', messages, () => ({
      content: 'x'.repeat(MAX_CONTENT_LENGTH + 1),
    })),
    post('send: a 65-character clientId', messages, (ctx) => ({ content: ctx.sealed.text, clientId: 'c'.repeat(65) })),
    post('send: an empty clientId', messages, (ctx) => ({ content: ctx.sealed.text, clientId: '' })),
    post('send: viewLimit 101', messages, (ctx) => ({
      content: ctx.sealed.image,
      mediaId: ctx.mediaId,
      isOneTimeMedia: true,
      viewLimit: 101,
    })),
    post('send: mediaExpiryDuration of 30 days + 1 s', messages, (ctx) => ({
      content: ctx.sealed.image,
      mediaId: ctx.mediaId,
      isOneTimeMedia: true,
      mediaExpiryDuration: 30 * 86_400 + 1,
    })),
    post(
      'schedule: content one over MAX_CONTENT_LENGTH',
      () => '/api/scheduled-messages',
      (ctx) => ({
        conversationId: ctx.chat.id,
        content: 'x'.repeat(MAX_CONTENT_LENGTH + 1),
        scheduledTime: fromNow(ctx, DAY),
      }),
    ),
    http(
      'size',
      'edit: content one over MAX_CONTENT_LENGTH',
      'alice',
      (ctx) => ({
        method: 'PUT',
        url: `/api/scheduled-messages/${ctx.scheduled.id}`,
        json: { content: 'x'.repeat(MAX_CONTENT_LENGTH + 1) },
      }),
      { code: 'validation_failed' },
    ),
    http(
      'size',
      'edit: version 0',
      'alice',
      (ctx) => ({
        method: 'PUT',
        url: `/api/scheduled-messages/${ctx.scheduled.id}`,
        json: { content: ctx.sealed.text, version: 0 },
      }),
      { code: 'validation_failed' },
    ),
    http(
      'size',
      'edit: neither content nor time',
      'alice',
      (ctx) => ({
        method: 'PUT',
        url: `/api/scheduled-messages/${ctx.scheduled.id}`,
        json: { version: 1 },
      }),
      { code: 'validation_failed' },
    ),
    http(
      'size',
      'reaction: an emoji of 17 code points',
      'alice',
      (ctx) => ({
        method: 'PUT',
        url: `/api/messages/${ctx.bobsMessage.id}/reaction`,
        json: { emoji: '👍'.repeat(17) },
      }),
      { code: 'validation_failed' },
    ),
    http(
      'size',
      'reaction: an empty emoji',
      'alice',
      (ctx) => ({
        method: 'PUT',
        url: `/api/messages/${ctx.bobsMessage.id}/reaction`,
        json: { emoji: '' },
      }),
      { code: 'validation_failed' },
    ),
    post(
      'delivered: no ids',
      (ctx) => `/api/conversations/${ctx.chat.id}/delivered`,
      () => ({ messageIds: [] }),
    ),
    post(
      'delivered: 501 ids',
      (ctx) => `/api/conversations/${ctx.chat.id}/delivered`,
      () => ({ messageIds: uuids(501) }),
    ),
    get('search: empty', () => '/api/users?search='),
    get('search: 65 characters', () => `/api/users?search=${'a'.repeat(65)}`),
    get('search: limit 51', () => '/api/users?search=a&limit=51'),
    get('search: limit 0', () => '/api/users?search=a&limit=0'),
    get('page: limit 101', (ctx) => `${messages(ctx)}?limit=101`),
    get('page: a 201-character cursor', (ctx) => `${messages(ctx)}?before=${'9'.repeat(201)}`),
    get('prelogin: a 65-character name', () => `/api/auth/prelogin?username=${'a'.repeat(65)}`),
    http(
      'size',
      'keys: a 4097-character private-key bundle',
      'alice',
      (ctx) => ({
        method: 'PUT',
        url: '/api/users/me/keys',
        json: {
          authKey: ctx.alice.authKey,
          x25519PublicKey: 'A'.repeat(43),
          ed25519PublicKey: 'A'.repeat(43),
          encryptedPrivateKeys: 'A'.repeat(4097),
        },
      }),
      { code: 'validation_failed' },
    ),
    http(
      'size',
      `a body one byte over ${MAX_REQUEST_BYTES} bytes`,
      'alice',
      (ctx) => ({
        method: 'POST',
        url: messages(ctx),
        headers: { 'content-type': 'application/json' },
        payload: `{"content":"${'x'.repeat(MAX_REQUEST_BYTES - 13)}"}`,
      }),
      { code: 'payload_too_large' },
    ),
    post('group: 20,000 member ids (a huge array within the body limit)', group, () => ({
      title: 'T',
      memberIds: Array.from({ length: 20_000 }, () => '00000000-0000-4000-8000-000000000000'),
    })),
    http(
      'size',
      'group: a title nested 200,000 arrays deep',
      'alice',
      () => ({
        method: 'POST',
        url: group(),
        headers: { 'content-type': 'application/json' },
        payload: `{"title":${deepArrays(200_000)}}`,
      }),
      { code: 'validation_failed' },
    ),
    http(
      'size',
      'schedule: a content nested 100,000 objects deep',
      'alice',
      (ctx) => ({
        method: 'POST',
        url: '/api/scheduled-messages',
        headers: { 'content-type': 'application/json' },
        payload: `{"conversationId":"${ctx.chat.id}","scheduledTime":"${fromNow(ctx, DAY)}","content":${deepObjects(100_000)}}`,
      }),
      { code: 'validation_failed' },
    ),
    command(
      'size',
      'content one over MAX_CONTENT_LENGTH',
      'send_message',
      (ctx) => ({
        conversationId: ctx.chat.id,
        content: 'x'.repeat(MAX_CONTENT_LENGTH + 1),
      }),
      'validation_failed',
    ),
    command(
      'size',
      '501 message ids',
      'mark_delivered',
      (ctx) => ({
        conversationId: ctx.chat.id,
        messageIds: uuids(501),
      }),
      'validation_failed',
    ),
    command(
      'size',
      'no message ids',
      'mark_delivered',
      (ctx) => ({ conversationId: ctx.chat.id, messageIds: [] }),
      'validation_failed',
    ),
  ];
}
