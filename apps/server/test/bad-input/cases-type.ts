import { command, http, type BadCase } from './case.js';
import { DAY, fromNow, registrationBody, type BadInputContext } from './context.js';

/**
 * Wrong types: numbers for strings, arrays for objects, null, booleans, strings for numbers, and a
 * body that is not an object at all. Always 400 validation_failed naming the field (socket: the
 * same code in the ack), never a 500 from code that trusted a type.
 */

type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function body(
  name: string,
  method: Method,
  url: (ctx: BadInputContext) => string,
  json: (ctx: BadInputContext) => unknown,
): BadCase {
  return http('type', name, 'alice', (ctx) => ({ method, url: url(ctx), json: json(ctx) }), {
    code: 'validation_failed',
  });
}

function rawBody(name: string, url: string, payload: string): BadCase {
  return http(
    'type',
    name,
    'alice',
    () => ({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload,
    }),
    { code: 'validation_failed' },
  );
}

const group = () => '/api/conversations/group';
const messages = (ctx: BadInputContext) => `/api/conversations/${ctx.chat.id}/messages`;
const member = (ctx: BadInputContext) => `/api/conversations/${ctx.group.id}/members/${ctx.bob.id}`;

export function typeCases(): BadCase[] {
  return [
    rawBody('group: the body null', '/api/conversations/group', 'null'),
    rawBody('group: the body a number', '/api/conversations/group', '42'),
    rawBody('group: the body a string', '/api/conversations/group', '"a group"'),
    rawBody('group: the body an array', '/api/conversations/group', '[{"title":"T"}]'),
    rawBody('group: the body not JSON', '/api/conversations/group', "{title: 'T'}"),
    rawBody('group: the body cut short', '/api/conversations/group', '{"title":"T"'),
    body('group: title a number', 'POST', group, () => ({ title: 42 })),
    body('group: title true', 'POST', group, () => ({ title: true })),
    body('group: title null', 'POST', group, () => ({ title: null })),
    body('group: title an array', 'POST', group, () => ({ title: ['T'] })),
    body('group: memberIds a string', 'POST', group, (ctx) => ({ title: 'T', memberIds: ctx.bob.id })),
    body('group: memberIds an object', 'POST', group, (ctx) => ({ title: 'T', memberIds: { 0: ctx.bob.id } })),
    body('group: memberIds of numbers', 'POST', group, () => ({ title: 'T', memberIds: [42] })),
    body(
      'direct: userId a number',
      'POST',
      () => '/api/conversations/direct',
      () => ({ userId: 123 }),
    ),
    http(
      'type',
      'register: kdf an array',
      'anon',
      async (ctx) => ({
        method: 'POST',
        url: '/api/auth/register',
        json: await registrationBody(ctx, { kdf: [] }),
      }),
      { code: 'validation_failed' },
    ),
    http(
      'type',
      'register: kdf.memoryKiB a string',
      'anon',
      async (ctx) => {
        const json = await registrationBody(ctx);
        return {
          method: 'POST',
          url: '/api/auth/register',
          json: { ...json, kdf: { ...(json.kdf as object), memoryKiB: '8' } },
        };
      },
      { code: 'validation_failed' },
    ),
    http(
      'type',
      'register: keys a string',
      'anon',
      async (ctx) => ({
        method: 'POST',
        url: '/api/auth/register',
        json: await registrationBody(ctx, { keys: 'keys' }),
      }),
      { code: 'validation_failed' },
    ),
    http(
      'type',
      'login: authKey a number',
      'anon',
      (ctx) => ({
        method: 'POST',
        url: '/api/auth/login',
        json: { username: ctx.alice.username, authKey: 42 },
      }),
      { code: 'validation_failed' },
    ),
    body('send: content a number', 'POST', messages, () => ({ content: 42 })),
    body('send: content an object', 'POST', messages, (ctx) => ({ content: JSON.parse(ctx.sealed.text) as object })),
    body('send: contentType audio', 'POST', messages, (ctx) => ({ content: ctx.sealed.text, contentType: 'audio' })),
    body('send: isOneTimeMedia "yes"', 'POST', messages, (ctx) => ({
      content: ctx.sealed.image,
      mediaId: ctx.mediaId,
      isOneTimeMedia: 'yes',
    })),
    body('send: viewLimit "5"', 'POST', messages, (ctx) => ({
      content: ctx.sealed.image,
      mediaId: ctx.mediaId,
      isOneTimeMedia: true,
      viewLimit: '5',
    })),
    body('send: viewLimit 1.5', 'POST', messages, (ctx) => ({
      content: ctx.sealed.image,
      mediaId: ctx.mediaId,
      isOneTimeMedia: true,
      viewLimit: 1.5,
    })),
    body(
      'reaction: emoji an array',
      'PUT',
      (ctx) => `/api/messages/${ctx.bobsMessage.id}/reaction`,
      () => ({ emoji: ['👍'] }),
    ),
    body(
      'profile: timeZone not a zone',
      'PATCH',
      () => '/api/users/me',
      () => ({ timeZone: 'Mars/Olympus_Mons' }),
    ),
    body(
      'profile: displayName null',
      'PATCH',
      () => '/api/users/me',
      () => ({ displayName: null }),
    ),
    body(
      'conversation: temporaryTtlSeconds 1234',
      'PATCH',
      (ctx) => `/api/conversations/${ctx.group.id}`,
      () => ({ temporaryTtlSeconds: 1234 }),
    ),
    body(
      'conversation: temporaryTtlSeconds "3600"',
      'PATCH',
      (ctx) => `/api/conversations/${ctx.group.id}`,
      () => ({ temporaryTtlSeconds: '3600' }),
    ),
    body('role: owner (not grantable)', 'PATCH', member, () => ({ role: 'owner' })),
    body('role: ADMIN', 'PATCH', member, () => ({ role: 'ADMIN' })),
    body(
      'schedule: conversationId an array',
      'POST',
      () => '/api/scheduled-messages',
      (ctx) => ({
        conversationId: [ctx.chat.id],
        content: ctx.sealed.text,
        scheduledTime: fromNow(ctx, DAY),
      }),
    ),
    body(
      'schedule: neither receiverId nor conversationId',
      'POST',
      () => '/api/scheduled-messages',
      (ctx) => ({
        content: ctx.sealed.text,
        scheduledTime: fromNow(ctx, DAY),
      }),
    ),
    body(
      'edit: version "1"',
      'PUT',
      (ctx) => `/api/scheduled-messages/${ctx.scheduled.id}`,
      (ctx) => ({ content: ctx.sealed.text, version: '1' }),
    ),
    body(
      'restore: version "1"',
      'POST',
      (ctx) => `/api/scheduled-messages/${ctx.scheduled.id}/restore`,
      () => ({ version: '1' }),
    ),
    http(
      'type',
      'scheduled list: status PENDING',
      'alice',
      () => ({ method: 'GET', url: '/api/scheduled-messages?status=PENDING' }),
      {
        code: 'validation_failed',
      },
    ),
    http(
      'type',
      'scheduled list: includeDismissed yes',
      'alice',
      () => ({
        method: 'GET',
        url: '/api/scheduled-messages?includeDismissed=yes',
      }),
      { code: 'validation_failed' },
    ),
    http('type', 'page: limit 0x10', 'alice', (ctx) => ({ method: 'GET', url: `${messages(ctx)}?limit=0x10` }), {
      code: 'validation_failed',
    }),
    command('type', 'payload null', 'send_message', () => null, 'validation_failed'),
    command('type', 'payload a string', 'mark_read', (ctx) => ctx.chat.id, 'validation_failed'),
    command(
      'type',
      'payload an array',
      'mark_delivered',
      (ctx) => [ctx.chat.id, [ctx.bobsMessage.id]],
      'validation_failed',
    ),
    command(
      'type',
      'typing "yes"',
      'typing',
      (ctx) => ({ conversationId: ctx.chat.id, typing: 'yes' }),
      'validation_failed',
    ),
    command('type', 'conversationId a number', 'mark_read', () => ({ conversationId: 42 }), 'validation_failed'),
    command(
      'type',
      'messageIds a string',
      'mark_delivered',
      (ctx) => ({ conversationId: ctx.chat.id, messageIds: ctx.bobsMessage.id }),
      'validation_failed',
    ),
  ];
}
