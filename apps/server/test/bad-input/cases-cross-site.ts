import { custom, http, type BadCase } from './case.js';
import { rawSocket, type BadInputContext } from './context.js';

/**
 * Cross-site requests (DESIGN section 8): a state change needs a same-origin `Origin` (when one is
 * named) and a non-simple request: JSON, or multipart for a POST. A cross-site page can send
 * neither with the user's cookie. The Socket.IO handshake applies the same Origin rule. Under
 * inject the server's own origin is http://localhost:80.
 */

const FOREIGN_ORIGINS: [string, string][] = [
  ['another site', 'https://evil.example'],
  ['the null origin (sandboxed frame, file:)', 'null'],
  ['the same host on another port', 'http://localhost:8080'],
  ['the same host over https', 'https://localhost'],
  ['a look-alike host', 'http://localhost.evil.example'],
];

function withOrigin(name: string, origin: string): BadCase {
  return http(
    'cross-site',
    `create a group from ${name}`,
    'alice',
    () => ({
      method: 'POST',
      url: '/api/conversations/group',
      headers: { origin },
      json: { title: 'Cross-site', memberIds: [] },
    }),
    { code: 'csrf_rejected' },
  );
}

function simpleType(
  name: string,
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: (ctx: BadInputContext) => string,
  type: string | undefined,
  payload: string,
): BadCase {
  return http(
    'cross-site',
    name,
    'alice',
    (ctx) => ({
      method,
      url: url(ctx),
      headers: type === undefined ? { 'content-type': '' } : { 'content-type': type },
      payload,
    }),
    { code: 'unsupported_media_type' },
  );
}

function handshake(name: string, origin: string): BadCase {
  return custom(
    'cross-site',
    `socket handshake from ${name}`,
    async (ctx) => {
      try {
        const socket = await rawSocket(ctx, ctx.alice.client.cookie, origin);
        socket.close();
        return { kind: 'ack', ok: true, code: undefined };
      } catch (error) {
        return { kind: 'refused', message: (error as Error).message };
      }
    },
    { refused: /origin not allowed|xhr poll error|websocket error|Unexpected server response: 403/i },
  );
}

export function crossSiteCases(): BadCase[] {
  return [
    ...FOREIGN_ORIGINS.map(([name, origin]) => withOrigin(name, origin)),
    http(
      'cross-site',
      'a percent-encoded API path from another site',
      'alice',
      () => ({
        method: 'POST',
        url: '/%61pi/conversations/group',
        headers: { origin: 'https://evil.example' },
        json: { title: 'Cross-site', memberIds: [] },
      }),
      { code: 'csrf_rejected' },
    ),
    http(
      'cross-site',
      'log out everywhere from another site',
      'alice',
      () => ({
        method: 'POST',
        url: '/api/auth/logout-all',
        headers: { origin: 'https://evil.example' },
      }),
      { code: 'csrf_rejected' },
    ),
    http(
      'cross-site',
      'delete the account from another site',
      'alice',
      (ctx) => ({
        method: 'DELETE',
        url: '/api/users/me',
        headers: { origin: 'https://evil.example' },
        json: { authKey: ctx.alice.authKey },
      }),
      { code: 'csrf_rejected' },
    ),
    simpleType(
      'a text/plain POST carrying JSON',
      'POST',
      () => '/api/conversations/group',
      'text/plain',
      '{"title":"T","memberIds":[]}',
    ),
    simpleType(
      'a form-urlencoded POST',
      'POST',
      () => '/api/conversations/group',
      'application/x-www-form-urlencoded',
      'title=T',
    ),
    simpleType('a POST without a content type', 'POST', () => '/api/auth/logout-all', undefined, ''),
    simpleType(
      'a multipart PATCH',
      'PATCH',
      () => '/api/users/me',
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="displayName"\r\n\r\nX\r\n--x--\r\n',
    ),
    simpleType(
      'a text/plain PUT',
      'PUT',
      (ctx) => `/api/messages/${ctx.bobsMessage.id}/reaction`,
      'text/plain',
      '{"emoji":"👍"}',
    ),
    simpleType(
      'a DELETE with an untyped body',
      'DELETE',
      (ctx) => `/api/conversations/${ctx.group.id}`,
      undefined,
      '{}',
    ),
    simpleType(
      'a text/json POST',
      'POST',
      () => '/api/conversations/group',
      'text/json',
      '{"title":"T","memberIds":[]}',
    ),
    handshake('another site', 'https://evil.example'),
    handshake('the null origin', 'null'),
    handshake('the same host on another port', 'http://127.0.0.1:1'),
  ];
}
