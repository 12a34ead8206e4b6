import { randomUUID } from 'node:crypto';
import { MAX_CONTENT_LENGTH } from '@herald/shared';
import { http, type BadCase } from './case.js';

/**
 * Editing and deleting sent messages (PATCH /api/messages/:id, DELETE /api/messages/:id?for=):
 * unknown ids, someone else's message, a scope that is not one, content that is no envelope for
 * this sender and these members, forged origins. Each is refused and changes nothing.
 */

const edit =
  (id: (ctx: Parameters<BadCase['run']>[0]) => string, content: (ctx: Parameters<BadCase['run']>[0]) => unknown) =>
  (ctx: Parameters<BadCase['run']>[0]) => ({
    method: 'PATCH' as const,
    url: `/api/messages/${id(ctx)}`,
    json: { content: content(ctx) },
  });

export function messageEditCases(): BadCase[] {
  return [
    http(
      'id',
      'edit: an unknown message',
      'alice',
      edit(
        () => randomUUID(),
        (ctx) => ctx.sealed.text,
      ),
      {
        code: 'not_found',
      },
    ),
    http(
      'id',
      "edit: bob's message, by alice",
      'alice',
      edit(
        (ctx) => ctx.bobsMessage.id,
        (ctx) => ctx.sealed.text,
      ),
      {
        code: 'forbidden',
      },
    ),
    http(
      'id',
      'edit: a message of a chat carol is not in',
      'carol',
      edit(
        (ctx) => ctx.bobsMessage.id,
        (ctx) => ctx.sealed.text,
      ),
      {
        code: 'not_found',
      },
    ),
    http(
      'id',
      'delete for me: an unknown message',
      'alice',
      () => ({ method: 'DELETE', url: `/api/messages/${randomUUID()}?for=me` }),
      { code: 'not_found' },
    ),
    http(
      'id',
      "delete for everyone: bob's message, by alice",
      'alice',
      (ctx) => ({ method: 'DELETE', url: `/api/messages/${ctx.bobsMessage.id}?for=everyone` }),
      { code: 'forbidden' },
    ),
    http(
      'type',
      'delete: scope "all"',
      'bob',
      (ctx) => ({ method: 'DELETE', url: `/api/messages/${ctx.bobsMessage.id}?for=all` }),
      { code: 'validation_failed' },
    ),
    http(
      'type',
      'delete: no scope',
      'bob',
      (ctx) => ({ method: 'DELETE', url: `/api/messages/${ctx.bobsMessage.id}` }),
      { code: 'validation_failed' },
    ),
    http(
      'type',
      'edit: content a number',
      'bob',
      edit(
        (ctx) => ctx.bobsMessage.id,
        () => 42,
      ),
      {
        code: 'validation_failed',
      },
    ),
    http(
      'envelope',
      'edit: plaintext',
      'bob',
      edit(
        (ctx) => ctx.bobsMessage.id,
        () => 'fixed a typo',
      ),
      {
        code: 'not_encrypted',
      },
    ),
    http(
      'envelope',
      "edit: alice's envelope on bob's message",
      'bob',
      edit(
        (ctx) => ctx.bobsMessage.id,
        (ctx) => ctx.sealed.text,
      ),
      {
        code: 'validation_failed',
      },
    ),
    http(
      'size',
      'edit: an envelope padded past MAX_CONTENT_LENGTH',
      'bob',
      edit(
        (ctx) => ctx.bobsMessage.id,
        (ctx) => `${ctx.sealed.text}${' '.repeat(MAX_CONTENT_LENGTH)}`,
      ),
      { code: 'validation_failed' },
    ),
    http(
      'control',
      'edit: NUL inside the content',
      'bob',
      edit(
        (ctx) => ctx.bobsMessage.id,
        (ctx) => `${ctx.sealed.text}\u0000`,
      ),
      {
        code: 'validation_failed',
      },
    ),
    http(
      'cross-site',
      'edit from another site',
      'bob',
      (ctx) => ({
        method: 'PATCH',
        url: `/api/messages/${ctx.bobsMessage.id}`,
        headers: { origin: 'https://evil.example' },
        json: { content: ctx.sealed.text },
      }),
      { code: 'csrf_rejected' },
    ),
    http(
      'cross-site',
      'delete for everyone from another site',
      'bob',
      (ctx) => ({
        method: 'DELETE',
        url: `/api/messages/${ctx.bobsMessage.id}?for=everyone`,
        headers: { origin: 'https://evil.example' },
      }),
      { code: 'csrf_rejected' },
    ),
  ];
}
