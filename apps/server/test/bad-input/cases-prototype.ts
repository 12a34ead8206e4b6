import { expect } from 'vitest';
import { command, http, rawJson, type BadCase, type Outcome } from './case.js';
import { DAY, fromNow, send, type BadInputContext } from './context.js';

/**
 * Prototype keys (`__proto__`, `constructor`, `prototype`) in bodies, nested objects, queries,
 * paths and socket payloads. JSON bodies holding them are refused outright (Fastify's parser with
 * protoAction/constructorAction 'error': 400); unknown query keys are ignored, and must then
 * neither filter anything nor pollute Object.prototype (the runner checks the latter after every
 * case: inject runs the server in this process).
 */

/** A query with a prototype key answers exactly what the same query without it answers. */
function ignoredQuery(name: string, url: string, plain: string): BadCase {
  return http('prototype', name, 'alice', () => ({ method: 'GET', url }), {
    accepted: 200,
    mayChange: [],
    async verify(ctx: BadInputContext, outcome: Outcome) {
      const expected = await send(ctx, 'alice', { method: 'GET', url: plain });
      expect(outcome).toMatchObject({ kind: 'http', body: expected.body });
    },
  });
}

const group = () => '/api/conversations/group';

export function prototypeCases(): BadCase[] {
  return [
    rawJson(
      'prototype',
      'group: a top-level __proto__',
      'POST',
      group,
      () => '{"__proto__":{"isAdmin":true},"title":"T"}',
    ),
    rawJson(
      'prototype',
      'group: constructor.prototype',
      'POST',
      group,
      () => '{"constructor":{"prototype":{"isAdmin":true}},"title":"T"}',
    ),
    rawJson(
      'prototype',
      'group: __proto__ inside memberIds',
      'POST',
      group,
      () => '{"title":"T","memberIds":[{"__proto__":{}}]}',
    ),
    rawJson(
      'prototype',
      'profile: constructor carrying a display name',
      'PATCH',
      () => '/api/users/me',
      () => '{"constructor":{"prototype":{"displayName":"Admin"}}}',
    ),
    rawJson(
      'prototype',
      'profile: __proto__ carrying the fields',
      'PATCH',
      () => '/api/users/me',
      () => '{"__proto__":{"displayName":"Admin","timeZone":"UTC"}}',
    ),
    rawJson(
      'prototype',
      'schedule: __proto__ carrying conversationId',
      'POST',
      () => '/api/scheduled-messages',
      (ctx) =>
        `{"__proto__":{"conversationId":"${ctx.chat.id}"},"content":${JSON.stringify(ctx.sealed.text)},"scheduledTime":"${fromNow(ctx, DAY)}"}`,
    ),
    rawJson(
      'prototype',
      'send: __proto__ nested two levels down',
      'POST',
      (ctx) => `/api/conversations/${ctx.chat.id}/messages`,
      (ctx) => `{"content":${JSON.stringify(ctx.sealed.text)},"extra":{"deeper":{"__proto__":{"polluted":true}}}}`,
    ),
    http(
      'prototype',
      'register: kdf.__proto__',
      'anon',
      () => ({
        method: 'POST',
        url: '/api/auth/register',
        headers: { 'content-type': 'application/json' },
        payload:
          '{"username":"protouser","authKey":"' + 'A'.repeat(43) + '","kdf":{"__proto__":{"algorithm":"argon2id"}}}',
      }),
      { code: 'validation_failed' },
    ),
    rawJson(
      'prototype',
      'edit: "prototype" and "constructor" side by side',
      'PUT',
      (ctx) => `/api/scheduled-messages/${ctx.scheduled.id}`,
      () => '{"prototype":{"version":1},"constructor":{"name":"x"}}',
    ),
    http(
      'prototype',
      'scheduled list: status=__proto__',
      'alice',
      () => ({ method: 'GET', url: '/api/scheduled-messages?status=__proto__' }),
      {
        code: 'validation_failed',
      },
    ),
    ignoredQuery(
      'scheduled list: __proto__[status]=cancelled',
      '/api/scheduled-messages?__proto__[status]=cancelled',
      '/api/scheduled-messages',
    ),
    ignoredQuery('scheduled list: __proto__=sent', '/api/scheduled-messages?__proto__=sent', '/api/scheduled-messages'),
    ignoredQuery(
      'scheduled list: constructor[prototype][status]=sent',
      '/api/scheduled-messages?constructor[prototype][status]=sent',
      '/api/scheduled-messages',
    ),
    ignoredQuery(
      'search: the term __proto__ finds nobody',
      '/api/users?search=__proto__',
      '/api/users?search=zz-nobody-zz',
    ),
    http(
      'prototype',
      'path: /api/conversations/__proto__',
      'alice',
      () => ({ method: 'GET', url: '/api/conversations/__proto__' }),
      { code: 'not_found' },
    ),
    http(
      'prototype',
      'path: /api/users/constructor',
      'alice',
      () => ({ method: 'GET', url: '/api/users/constructor' }),
      { code: 'not_found' },
    ),
    http(
      'prototype',
      'path: DELETE /api/scheduled-messages/prototype',
      'alice',
      () => ({
        method: 'DELETE',
        url: '/api/scheduled-messages/prototype',
      }),
      { code: 'not_found' },
    ),
    command(
      'prototype',
      '__proto__ carrying conversationId',
      'mark_read',
      (ctx) => JSON.parse(`{"__proto__":{"conversationId":"${ctx.chat.id}"}}`),
      'validation_failed',
    ),
    command(
      'prototype',
      'constructor carrying the fields',
      'typing',
      (ctx) => ({ constructor: { prototype: { conversationId: ctx.chat.id, typing: true } } }),
      'validation_failed',
    ),
  ];
}
