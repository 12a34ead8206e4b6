import { randomUUID } from 'node:crypto';
import { MAX_CONTENT_LENGTH } from '@herald/shared';
import { http, type BadCase } from './case.js';
import type { BadInputContext } from './context.js';

/**
 * PUT and DELETE /api/conversations/:id/picture (issue 13, item 9): ids that are not ids, content
 * that is not an envelope, is too long, carries NUL, or is sealed for another chat; someone
 * else's group; a direct chat. Each is refused before anything is written.
 */
const picture = (id: string) => `/api/conversations/${id}/picture`;

const put = (
  area: BadCase['area'],
  name: string,
  json: (ctx: BadInputContext) => unknown,
  code: 'validation_failed' | 'not_encrypted' | 'not_found' | 'invalid_state',
  conversation: (ctx: BadInputContext) => string = (ctx) => ctx.group.id,
) =>
  http(
    area,
    `group picture: ${name}`,
    'alice',
    (ctx) => ({ method: 'PUT', url: picture(conversation(ctx)), json: json(ctx) }),
    {
      code,
    },
  );

export function groupPictureCases(): BadCase[] {
  return [
    put('id', 'mediaId not a uuid', (ctx) => ({ mediaId: 'abc', content: ctx.sealed.image }), 'validation_failed'),
    put('type', 'mediaId a number', (ctx) => ({ mediaId: 7, content: ctx.sealed.image }), 'validation_failed'),
    put('type', 'no content', (ctx) => ({ mediaId: ctx.mediaId }), 'validation_failed'),
    put('envelope', 'plaintext content', (ctx) => ({ mediaId: ctx.mediaId, content: 'my picture' }), 'not_encrypted'),
    put(
      'envelope',
      'content sealed for another chat',
      (ctx) => ({ mediaId: ctx.mediaId, content: ctx.sealed.image }),
      'validation_failed',
    ),
    put('control', 'content with NUL', (ctx) => ({ mediaId: ctx.mediaId, content: `x\u0000` }), 'validation_failed'),
    put(
      'size',
      'content one character too long',
      (ctx) => ({ mediaId: ctx.mediaId, content: 'x'.repeat(MAX_CONTENT_LENGTH + 1) }),
      'validation_failed',
    ),
    put(
      'id',
      "others' chat",
      (ctx) => ({ mediaId: ctx.mediaId, content: ctx.sealed.image }),
      'not_found',
      (ctx) => ctx.othersChat.id,
    ),
    put(
      'id',
      'a group that does not exist',
      (ctx) => ({ mediaId: ctx.mediaId, content: ctx.sealed.image }),
      'not_found',
      () => randomUUID(),
    ),
    put(
      'id',
      'a direct chat',
      (ctx) => ({ mediaId: ctx.mediaId, content: ctx.sealed.image }),
      'invalid_state',
      (ctx) => ctx.chat.id,
    ),
    http(
      'id',
      "remove the picture of others' chat",
      'alice',
      (ctx) => ({ method: 'DELETE', url: picture(ctx.othersChat.id) }),
      {
        code: 'not_found',
      },
    ),
    http(
      'id',
      'remove the picture of a direct chat',
      'alice',
      (ctx) => ({ method: 'DELETE', url: picture(ctx.chat.id) }),
      {
        code: 'invalid_state',
      },
    ),
  ];
}
