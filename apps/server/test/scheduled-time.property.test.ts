import fc from 'fast-check';
import { parseScheduledTime } from '@herald/shared';
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/lib/app-error.js';
import { resolveScheduledTime } from '../src/modules/scheduling/time-rules.js';

/**
 * Properties of the scheduled-time parser (packages/shared time.ts) and the server's window check
 * on it (modules/scheduling/time-rules.ts), DESIGN section 5 "Time input": it never throws, it
 * accepts exactly the real instants written as strict RFC 3339 with an offset within ±14:00 (or
 * as epoch milliseconds), and what it accepts round-trips. The oracle below is written apart
 * from the parser (its own leap-year rule, its own arithmetic).
 */

const RUNS = { numRuns: 400 };

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Days from 1970-01-01 to the given date (proleptic Gregorian), counted without Date. */
function epochDays(y: number, m: number, d: number): number {
  let days = 0;
  for (let year = 1970; year < y; year++) days += isLeap(year) ? 366 : 365;
  for (let month = 1; month < m; month++) days += month === 2 && isLeap(y) ? 29 : DAYS[month - 1]!;
  return days + d - 1;
}

/** Fields of a time, each drawn a little beyond its valid range so that both sides are hit. */
const fields = fc.record({
  year: fc.integer({ min: 1960, max: 10_005 }),
  month: fc.integer({ min: 0, max: 13 }),
  day: fc.integer({ min: 0, max: 32 }),
  hour: fc.integer({ min: 0, max: 24 }),
  minute: fc.integer({ min: 0, max: 60 }),
  second: fc.integer({ min: 0, max: 60 }),
  millis: fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
  /** Minutes east of UTC; undefined = Z. */
  offset: fc.option(fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }), { nil: undefined }),
  separator: fc.constantFrom('T', 't', ' '),
});
type Fields = typeof fields extends fc.Arbitrary<infer T> ? T : never;

function format(f: Fields): string {
  const date = `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
  const time = `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}${f.millis === undefined ? '' : `.${pad(f.millis, 3)}`}`;
  const zone =
    f.offset === undefined
      ? 'Z'
      : `${f.offset < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(f.offset) / 60))}:${pad(Math.abs(f.offset) % 60)}`;
  return `${date}${f.separator}${time}${zone}`;
}

/** The instant the fields name, or undefined when they name none Herald accepts. */
function oracle(f: Fields): number | undefined {
  if (f.year < 1970 || f.year > 9999 || f.month < 1 || f.month > 12 || f.day < 1) return undefined;
  const monthDays = f.month === 2 && isLeap(f.year) ? 29 : DAYS[f.month - 1]!;
  if (f.day > monthDays || f.hour > 23 || f.minute > 59 || f.second > 59) return undefined;
  if (f.offset !== undefined && Math.abs(f.offset) > 14 * 60) return undefined;
  const local = ((epochDays(f.year, f.month, f.day) * 24 + f.hour) * 60 + f.minute) * 60 + f.second;
  return (local - (f.offset ?? 0) * 60) * 1000 + (f.millis ?? 0);
}

describe('parseScheduledTime', () => {
  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.string({ unit: 'binary' }), fc.double(), fc.bigInt()), (input) => {
        const result = parseScheduledTime(input);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it('accepts exactly the real instants within the rules, as the oracle computes them', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const text = format(f);
        const expected = oracle(f);
        const result = parseScheduledTime(text);
        if (expected === undefined) expect(result, text).toMatchObject({ ok: false });
        else expect(result.ok && result.date.getTime(), text).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips every instant from 1973 to 9999: ISO string, any offset within ±14:00, epoch ms', () => {
    const instant = fc.integer({ min: 100_000_000_000, max: Date.UTC(9999, 11, 31, 9, 59, 59, 999) });
    const offset = fc.integer({ min: -14 * 60, max: 14 * 60 });
    fc.assert(
      fc.property(instant, offset, (ms, minutes) => {
        expect(parseScheduledTime(new Date(ms).toISOString())).toEqual({ ok: true, date: new Date(ms) });
        expect(parseScheduledTime(ms)).toEqual({ ok: true, date: new Date(ms) });
        expect(parseScheduledTime(String(ms))).toEqual({ ok: true, date: new Date(ms) });
        // The same instant written in another zone (local wall time + offset).
        const local = new Date(ms + minutes * 60_000).toISOString().slice(0, -1);
        const sign = minutes < 0 ? '-' : '+';
        const zoned = `${local}${sign}${pad(Math.trunc(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
        const parsed = parseScheduledTime(zoned);
        if (Number(local.slice(0, 4)) > 9999 || Number(local.slice(0, 4)) < 1970) return;
        expect(parsed, zoned).toEqual({ ok: true, date: new Date(ms) });
      }),
      RUNS,
    );
  });

  it('refuses any string that is not exactly one RFC 3339 time (extra text, missing parts)', () => {
    const valid = fc.integer({ min: 100_000_000_000, max: 4_000_000_000_000 }).map((ms) => new Date(ms).toISOString());
    const junk = fc.string({ minLength: 1, maxLength: 4 }).filter((s) => s.trim() !== '' && !/^\d+$/.test(s));
    fc.assert(
      fc.property(valid, junk, fc.boolean(), (iso, extra, before) => {
        const text = before ? `${extra}${iso}` : `${iso}${extra}`;
        expect(parseScheduledTime(text), text).toMatchObject({ ok: false });
        expect(parseScheduledTime(iso.slice(0, -1)), 'no offset').toMatchObject({ ok: false });
      }),
      RUNS,
    );
  });
});

describe('resolveScheduledTime (the server window)', () => {
  const rules = { minLeadSeconds: 10, maxHorizonDays: 367 };
  const now = new Date('2026-06-01T12:00:00.000Z');

  it('answers only its three 4xx codes, and accepts exactly the instants within [now + lead, now + horizon]', () => {
    const near = fc.integer({ min: -2 * 86_400_000, max: 370 * 86_400_000 }).map((d) => now.getTime() + d);
    const input = fc.oneof(
      near,
      near.map((ms) => new Date(ms).toISOString()),
      fields.map(format),
      fc.string({ unit: 'binary', maxLength: 64 }),
      fc.double(),
    );
    fc.assert(
      fc.property(input, (value) => {
        const parsed = parseScheduledTime(value);
        let result: Date | AppError;
        try {
          result = resolveScheduledTime(value, now, rules);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          result = error as AppError;
        }
        const ms = parsed.ok ? parsed.date.getTime() : NaN;
        if (!parsed.ok) expect(result).toMatchObject({ code: 'invalid_time', status: 400 });
        else if (ms < now.getTime() + 10_000) expect(result).toMatchObject({ code: 'time_too_soon', status: 422 });
        else if (ms > now.getTime() + 367 * 86_400_000)
          expect(result).toMatchObject({ code: 'time_too_far', status: 422 });
        else expect(result).toEqual(parsed.date);
      }),
      RUNS,
    );
  });
});
