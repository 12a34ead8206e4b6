import type { ErrorCode } from '@herald/shared';
import { multipart } from '../helpers/media.js';
import { http, type BadCase } from './case.js';
import { DAY, fromNow, type BadInputContext } from './context.js';

/**
 * Impossible and out-of-window scheduled times (DESIGN section 5, "Time input"): strict RFC 3339
 * with an offset, or epoch milliseconds, between now + the lead and now + 367 days. A time that is
 * not one is 400 invalid_time (or validation_failed when it is not even a string or a number); a
 * real instant outside the window is 422.
 */

/** A time to send, or a function of the context giving it (times relative to the test clock). */
type Time = unknown;
const resolve = (time: Time, ctx: BadInputContext): unknown =>
  typeof time === 'function' ? (time as (c: BadInputContext) => unknown)(ctx) : time;

function create(name: string, time: Time, code: ErrorCode): BadCase {
  return http(
    'time',
    `schedule at ${name}`,
    'alice',
    (ctx) => ({
      method: 'POST',
      url: '/api/scheduled-messages',
      json: { conversationId: ctx.chat.id, content: ctx.sealed.text, scheduledTime: resolve(time, ctx) },
    }),
    { code },
  );
}

function edit(name: string, time: Time, code: ErrorCode): BadCase {
  return http(
    'time',
    `edit to ${name}`,
    'alice',
    (ctx) => ({
      method: 'PUT',
      url: `/api/scheduled-messages/${ctx.scheduled.id}`,
      json: { scheduledTime: resolve(time, ctx), version: ctx.scheduled.version },
    }),
    { code },
  );
}

const INVALID: [string, unknown][] = [
  ['year 0000', '0000-01-01T00:00:00Z'],
  ['year 1969', '1969-12-31T23:59:59Z'],
  ['year 10000', '10000-01-01T00:00:00Z'],
  ['an expanded year', '+012027-01-01T00:00:00Z'],
  ['30 February', '2027-02-30T10:00:00Z'],
  ['29 February of a common year', '2027-02-29T10:00:00Z'],
  ['31 April', '2027-04-31T10:00:00Z'],
  ['month 13', '2027-13-01T10:00:00Z'],
  ['month 00', '2027-00-10T10:00:00Z'],
  ['a leap second', '2026-12-31T23:59:60Z'],
  ['24:00', '2027-01-01T24:00:00Z'],
  ['minute 60', '2027-01-01T10:60:00Z'],
  ['offset +15:00', '2027-01-01T10:00:00+15:00'],
  ['offset -14:01', '2027-01-01T10:00:00-14:01'],
  ['offset +23:59', '2027-01-01T10:00:00+23:59'],
  ['offset +24:00', '2027-01-01T10:00:00+24:00'],
  ['offset minutes 60', '2027-01-01T10:00:00+05:60'],
  ['a bare date', '2027-01-01'],
  ['no offset', '2027-01-01T10:00:00'],
  ['no seconds', '2027-01-01T10:00Z'],
  ['ten fraction digits', '2027-01-01T10:00:00.1234567890Z'],
  ['full-width digits', '２０２７-01-01T10:00:00Z'],
  ['the string NaN', 'NaN'],
  ['the string Infinity', 'Infinity'],
  ['an empty string', ''],
  ['a word', 'tomorrow'],
  ['a date with text after it', '2027-01-01T10:00:00Z; DROP TABLE users'],
  ['epoch seconds as digits', '1798761600'],
  ['epoch seconds as a number', 1_798_761_600],
  ['fractional epoch milliseconds', 1_798_761_600_000.5],
  ['negative epoch milliseconds', -1],
  ['epoch milliseconds beyond the Date range', 9e15],
];

const NOT_A_TIME: [string, unknown][] = [
  ['null', null],
  ['true', true],
  ['an object', { iso: '2027-01-01T10:00:00Z' }],
  ['an array', ['2027-01-01T10:00:00Z']],
  ['65 characters', `2027-01-01T10:00:00.000000000Z${' '.repeat(35)}`],
  ['a NUL inside', '2027-01-01T10:00:00Z\u0000'],
];

export function timeCases(): BadCase[] {
  return [
    ...INVALID.map(([name, time]) => create(name, time, 'invalid_time')),
    ...NOT_A_TIME.map(([name, time]) => create(name, time, 'validation_failed')),
    http(
      'time',
      'schedule at 1e999 (Infinity in JSON)',
      'alice',
      (ctx) => ({
        method: 'POST',
        url: '/api/scheduled-messages',
        headers: { 'content-type': 'application/json' },
        payload: `{"conversationId":"${ctx.chat.id}","content":${JSON.stringify(ctx.sealed.text)},"scheduledTime":1e999}`,
      }),
      { code: 'validation_failed' },
    ),
    // Real instants, outside the window.
    create('the far past (1999)', '1999-12-31T23:59:59Z', 'time_too_soon'),
    create('exactly now', (ctx: BadInputContext) => fromNow(ctx, 0), 'time_too_soon'),
    create('5 s from now (under the lead)', (ctx: BadInputContext) => fromNow(ctx, 5_000), 'time_too_soon'),
    create('epoch ms in 1973', 100_000_000_000, 'time_too_soon'),
    create('368 days ahead', (ctx: BadInputContext) => fromNow(ctx, 368 * DAY), 'time_too_far'),
    create('9999-12-31', '9999-12-31T23:59:59Z', 'time_too_far'),
    create('the last epoch millisecond', 8_640_000_000_000_000, 'time_too_far'),
    // Edits go through the same parser.
    edit('30 February', '2027-02-30T10:00:00Z', 'invalid_time'),
    edit('offset +15:00', '2027-01-01T10:00:00+15:00', 'invalid_time'),
    edit('a bare date', '2027-01-01', 'invalid_time'),
    edit('400 days ahead', (ctx: BadInputContext) => fromNow(ctx, 400 * DAY), 'time_too_far'),
    edit('1 s from now', (ctx: BadInputContext) => fromNow(ctx, 1_000), 'time_too_soon'),
    edit('null', null, 'validation_failed'),
    // And the multipart form.
    http(
      'time',
      'schedule (form) at 30 February',
      'alice',
      (ctx) => {
        const form = multipart({
          conversationId: ctx.chat.id,
          content: ctx.sealed.text,
          scheduledTime: '2027-02-30T10:00:00Z',
        });
        return {
          method: 'POST',
          url: '/api/scheduled-messages',
          headers: { 'content-type': form.contentType },
          payload: form.body,
        };
      },
      { code: 'invalid_time' },
    ),
  ];
}
