import { command, http, rawJson, type BadCase } from './case.js';
import { DAY, fromNow, registrationBody, type BadInputContext } from './context.js';

/**
 * Control and invisible characters in strings that reach the database or a screen (DESIGN
 * section 8): NUL, other C0 and C1 controls and DEL everywhere; names (display names, group
 * titles, usernames) also refuse bidi overrides, isolates, zero-width characters and the BOM; lone
 * surrogates (which no UTF-8 column keeps) are refused in every string. Lone surrogates are
 * written as JSON escapes, as an attacker would send them.
 */

const U = (code: number) => String.fromCodePoint(code);
const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** Characters refused in a display name, with a readable label. */
const NAME_POISON: [string, number][] = [
  ['NUL', 0x0000],
  ['ESC', 0x001b],
  ['DEL', 0x007f],
  ['C1 CSI', 0x009b],
  ['right-to-left override', 0x202e],
  ['left-to-right isolate', 0x2066],
  ['zero-width space', 0x200b],
  ['byte order mark', 0xfeff],
  ['line separator', 0x2028],
];

function json(
  name: string,
  method: 'POST' | 'PATCH' | 'PUT',
  url: (ctx: BadInputContext) => string,
  body: (ctx: BadInputContext) => unknown,
): BadCase {
  return http('control', name, 'alice', (ctx) => ({ method, url: url(ctx), json: body(ctx) }), {
    code: 'validation_failed',
  });
}

const messages = (ctx: BadInputContext) => `/api/conversations/${ctx.chat.id}/messages`;

export function controlCases(): BadCase[] {
  return [
    ...NAME_POISON.map(([label, code]) =>
      json(
        `profile: display name with ${label} (${hex(code)})`,
        'PATCH',
        () => '/api/users/me',
        () => ({ displayName: `Ali${U(code)}ce` }),
      ),
    ),
    rawJson(
      'control',
      'profile: display name with a lone high surrogate',
      'PATCH',
      () => '/api/users/me',
      () => '{"displayName":"Ali\\ud800ce"}',
    ),
    rawJson(
      'control',
      'profile: display name with a lone low surrogate',
      'PATCH',
      () => '/api/users/me',
      () => '{"displayName":"Ali\\udc00ce"}',
    ),
    json(
      'rename group: NUL',
      'PATCH',
      (ctx) => `/api/conversations/${ctx.group.id}`,
      () => ({ title: `Gr${U(0)}oup` }),
    ),
    json(
      'rename group: right-to-left override',
      'PATCH',
      (ctx) => `/api/conversations/${ctx.group.id}`,
      () => ({ title: `${U(0x202e)}puorG` }),
    ),
    json(
      'create group: zero-width joiner in the title',
      'POST',
      () => '/api/conversations/group',
      () => ({ title: `Gr${U(0x200d)}oup` }),
    ),
    rawJson(
      'control',
      'create group: a lone surrogate in the title',
      'POST',
      () => '/api/conversations/group',
      () => '{"title":"\\udbff"}',
    ),
    http(
      'control',
      'register: a zero-width space in the username',
      'anon',
      async (ctx) => ({
        method: 'POST',
        url: '/api/auth/register',
        json: await registrationBody(ctx, { username: `adm${U(0x200b)}in` }),
      }),
      { code: 'validation_failed' },
    ),
    http(
      'control',
      'register: a bidi override in the display name',
      'anon',
      async (ctx) => ({
        method: 'POST',
        url: '/api/auth/register',
        json: await registrationBody(ctx, { displayName: `${U(0x202e)}nimda` }),
      }),
      { code: 'validation_failed' },
    ),
    json('send: BEL in the clientId', 'POST', messages, (ctx) => ({ content: ctx.sealed.text, clientId: `c${U(7)}` })),
    json('send: C1 NEL in the clientId', 'POST', messages, (ctx) => ({
      content: ctx.sealed.text,
      clientId: `c${U(0x85)}`,
    })),
    json('send: NUL inside the content', 'POST', messages, (ctx) => ({
      content: ctx.sealed.text.replace('"header"', '"head\u0000er"'),
    })),
    json('send: a vertical tab inside the content', 'POST', messages, (ctx) => ({
      content: `${ctx.sealed.text}\u000b`,
    })),
    rawJson(
      'control',
      'send: a lone surrogate inside the content',
      'POST',
      messages,
      () => '{"content":"half \\ud83d a smiley"}',
    ),
    json(
      'reaction: ESC in the emoji',
      'PUT',
      (ctx) => `/api/messages/${ctx.bobsMessage.id}/reaction`,
      () => ({ emoji: `${U(0x1b)}[31m` }),
    ),
    json(
      'profile: NUL in the time zone',
      'PATCH',
      () => '/api/users/me',
      () => ({ timeZone: `UTC${U(0)}` }),
    ),
    json(
      'schedule: NUL in the clientId',
      'POST',
      () => '/api/scheduled-messages',
      (ctx) => ({
        conversationId: ctx.chat.id,
        content: ctx.sealed.text,
        scheduledTime: fromNow(ctx, DAY),
        clientId: `c${U(0)}`,
      }),
    ),
    http('control', 'search: NUL in the term', 'alice', () => ({ method: 'GET', url: '/api/users?search=a%00b' }), {
      code: 'validation_failed',
    }),
    http(
      'control',
      'prelogin: ESC in the name',
      'anon',
      () => ({ method: 'GET', url: '/api/auth/prelogin?username=a%1Bb' }),
      {
        code: 'validation_failed',
      },
    ),
    http(
      'control',
      'login: NUL in the name',
      'anon',
      (ctx) => ({
        method: 'POST',
        url: '/api/auth/login',
        json: { username: `${ctx.alice.username}${U(0)}`, authKey: ctx.alice.authKey },
      }),
      { code: 'validation_failed' },
    ),
    command(
      'control',
      'NUL in conversationId',
      'typing',
      (ctx) => ({ conversationId: `${ctx.chat.id}${U(0)}`, typing: true }),
      'validation_failed',
    ),
    command(
      'control',
      'C1 in clientId',
      'send_message',
      (ctx) => ({
        conversationId: ctx.chat.id,
        content: ctx.sealed.text,
        clientId: `c${U(0x9b)}`,
      }),
      'validation_failed',
    ),
  ];
}
