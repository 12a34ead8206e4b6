import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { http, type BadCase, type Outcome } from './case.js';
import { send, type BadInputContext } from './context.js';

/**
 * The routes the other tables do not reach (keys, passwords, logout, lists without input): every
 * API route gets at least one abusive case, which the runner checks at the end. A route without
 * input can only be given junk it must ignore (a prototype-laden query) or be sent cross-site.
 */

/** Junk in the query string of a route without input: the same answer as without it. */
function ignoredQuery(name: string, as: 'alice' | 'anon', url: string): BadCase {
  return http(
    'prototype',
    `${name} with a prototype-laden query`,
    as,
    () => ({
      method: 'GET',
      url: `${url}?__proto__[admin]=1&constructor[prototype][x]=1&limit=-1`,
    }),
    {
      accepted: 200,
      mayChange: [],
      async verify(ctx: BadInputContext, outcome: Outcome) {
        const plain = await send(ctx, as, { method: 'GET', url });
        expect(outcome).toMatchObject({ kind: 'http', body: plain.body });
      },
    },
  );
}

const KEY = 'A'.repeat(43);

export function routeCases(): BadCase[] {
  return [
    ignoredQuery('config', 'anon', '/api/config'),
    ignoredQuery('KDF parameters', 'anon', '/api/auth/kdf-params'),
    ignoredQuery('the conversation list', 'alice', '/api/conversations'),
    ignoredQuery('the block list', 'alice', '/api/blocks'),
    ignoredQuery('me', 'alice', '/api/auth/me'),
    http(
      'cross-site',
      'log out from another site',
      'alice',
      () => ({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { origin: 'https://evil.example' },
      }),
      { code: 'csrf_rejected' },
    ),
    http(
      'cross-site',
      'mark failures seen from another site',
      'alice',
      () => ({
        method: 'POST',
        url: '/api/scheduled-messages/failures/seen',
        headers: { origin: 'https://evil.example' },
      }),
      { code: 'csrf_rejected' },
    ),
    http(
      'type',
      'change password: newKdf a string',
      'alice',
      (ctx) => ({
        method: 'POST',
        url: '/api/auth/change-password',
        json: { currentAuthKey: ctx.alice.authKey, newAuthKey: KEY, newKdf: 'argon2id' },
      }),
      { code: 'validation_failed' },
    ),
    http(
      'type',
      'change password: the wrong current key',
      'alice',
      (ctx) => ({
        method: 'POST',
        url: '/api/auth/change-password',
        json: {
          currentAuthKey: KEY,
          newAuthKey: KEY,
          newKdf: ctx.alice.kdf,
          encryptedPrivateKeys: 'abc',
        },
      }),
      { code: 'invalid_credentials' },
    ),
    http(
      'type',
      'delete account: authKey null',
      'alice',
      () => ({ method: 'DELETE', url: '/api/users/me', json: { authKey: null } }),
      {
        code: 'validation_failed',
      },
    ),
    http(
      'size',
      'keys: a 42-character public key',
      'alice',
      (ctx) => ({
        method: 'PUT',
        url: '/api/users/me/keys',
        json: {
          authKey: ctx.alice.authKey,
          x25519PublicKey: 'A'.repeat(42),
          ed25519PublicKey: KEY,
          encryptedPrivateKeys: 'abc',
        },
      }),
      { code: 'validation_failed' },
    ),
    http(
      'type',
      'keys: the wrong password key',
      'alice',
      () => ({
        method: 'PUT',
        url: '/api/users/me/keys',
        json: { authKey: 'B'.repeat(43), x25519PublicKey: KEY, ed25519PublicKey: KEY, encryptedPrivateKeys: 'abc' },
      }),
      { code: 'invalid_credentials' },
    ),
    http('id', 'keys of user "abc"', 'alice', () => ({ method: 'GET', url: '/api/users/abc/keys' }), {
      code: 'not_found',
    }),
    http(
      'id',
      "keys of others' chat",
      'alice',
      (ctx) => ({ method: 'GET', url: `/api/conversations/${ctx.othersChat.id}/keys` }),
      {
        code: 'not_found',
      },
    ),
    http(
      'id',
      "leave others' chat",
      'alice',
      (ctx) => ({ method: 'POST', url: `/api/conversations/${ctx.othersChat.id}/leave` }),
      {
        code: 'not_found',
      },
    ),
    http('id', 'unblock user "abc"', 'alice', () => ({ method: 'DELETE', url: '/api/users/abc/block' }), {
      code: 'not_found',
    }),
    http(
      'id',
      'unreact on an unknown message',
      'alice',
      () => ({ method: 'DELETE', url: `/api/messages/${randomUUID()}/reaction` }),
      {
        code: 'not_found',
      },
    ),
    http(
      'id',
      "edit (PATCH) bob's scheduled message",
      'alice',
      (ctx) => ({
        method: 'PATCH',
        url: `/api/scheduled-messages/${ctx.bobsScheduled.id}`,
        json: { content: ctx.sealed.text },
      }),
      { code: 'not_found' },
    ),
    http(
      'size',
      'rename a group to 101 characters',
      'alice',
      (ctx) => ({
        method: 'PATCH',
        url: `/api/conversations/${ctx.group.id}`,
        json: { title: 'T'.repeat(101) },
      }),
      { code: 'validation_failed' },
    ),
  ];
}
