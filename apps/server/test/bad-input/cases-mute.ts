import { expect } from 'vitest';
import { http, type BadCase } from './case.js';
import { row } from './cases-mass.js';
import type { BadInputContext } from './context.js';

/**
 * PUT /api/conversations/:id/mute: a time that is not an instant ahead (past, no offset, epoch
 * digits, an impossible date), too far, the wrong type or size, control characters, someone
 * else's chat, and fields that would mute someone else. Each is refused before anything is written.
 */
const mute = (ctx: BadInputContext) => `/api/conversations/${ctx.chat.id}/mute`;

const put = (
  name: string,
  area: BadCase['area'],
  until: (ctx: BadInputContext) => unknown,
  code: 'invalid_time' | 'time_too_far' | 'validation_failed',
) =>
  http(area, `mute: ${name}`, 'alice', (ctx) => ({ method: 'PUT', url: mute(ctx), json: { until: until(ctx) } }), {
    code,
  });

const fromNow = (ctx: BadInputContext, ms: number) => new Date(ctx.t.clock.now().getTime() + ms).toISOString();

export function muteCases(): BadCase[] {
  return [
    put('until in the past', 'time', (ctx) => fromNow(ctx, -60_000), 'invalid_time'),
    put('until now', 'time', (ctx) => fromNow(ctx, 0), 'invalid_time'),
    put('until without an offset', 'time', () => '2099-01-01T10:00:00', 'invalid_time'),
    put('until as epoch digits', 'time', (ctx) => String(ctx.t.clock.now().getTime() + 60_000), 'invalid_time'),
    put('until 30 February', 'time', () => '2026-02-30T10:00:00Z', 'invalid_time'),
    put('until in two years', 'time', (ctx) => fromNow(ctx, 2 * 366 * 86_400_000), 'time_too_far'),
    put('until a number', 'type', (ctx) => ctx.t.clock.now().getTime() + 60_000, 'validation_failed'),
    put('until an object', 'type', () => ({ $gt: '' }), 'validation_failed'),
    put('until 65 characters', 'size', () => 'x'.repeat(65), 'validation_failed'),
    put('until with NUL', 'control', (ctx) => `${fromNow(ctx, 60_000)}\u0000`, 'validation_failed'),
    http('type', 'mute: no until', 'alice', (ctx) => ({ method: 'PUT', url: mute(ctx), json: {} }), {
      code: 'validation_failed',
    }),
    http(
      'id',
      "mute others' chat",
      'alice',
      (ctx) => ({ method: 'PUT', url: `/api/conversations/${ctx.othersChat.id}/mute`, json: { until: 'forever' } }),
      { code: 'not_found' },
    ),
    http(
      'mass-assignment',
      'mute with userId and mutedUntil for bob',
      'alice',
      (ctx) => ({
        method: 'PUT',
        url: mute(ctx),
        json: { until: 'forever', userId: ctx.bob.id, user_id: ctx.bob.id, mutedUntil: 'forever' },
      }),
      {
        accepted: 200,
        mayChange: ['conversation_members'],
        async verify(ctx) {
          const bob = await row(
            ctx,
            'SELECT muted_until IS NULL AS unmuted FROM conversation_members WHERE conversation_id = $1 AND user_id = $2',
            [ctx.chat.id, ctx.bob.id],
          );
          expect(bob).toEqual({ unmuted: true });
        },
      },
    ),
  ];
}
