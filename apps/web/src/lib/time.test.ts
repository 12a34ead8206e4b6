import { describe, expect, it } from 'vitest';
import { formatDuration, fromInputs, lastSeenText, NBSP, relativeTime, zonedParts, zonedToUtc } from './time';

/** The text with no-break spaces, as durations are written. */
const nb = (text: string) => text.replaceAll(' ', NBSP);

const iso = (d: Date) => d.toISOString();

describe('zonedToUtc', () => {
  it('converts ordinary wall times in several zones', () => {
    expect(iso(zonedToUtc({ year: 2026, month: 1, day: 15, hour: 9, minute: 0 }, 'Europe/Paris'))).toBe(
      '2026-01-15T08:00:00.000Z',
    );
    expect(iso(zonedToUtc({ year: 2026, month: 7, day: 15, hour: 9, minute: 0 }, 'Europe/Paris'))).toBe(
      '2026-07-15T07:00:00.000Z',
    );
    expect(iso(zonedToUtc({ year: 2026, month: 7, day: 15, hour: 9, minute: 30 }, 'America/New_York'))).toBe(
      '2026-07-15T13:30:00.000Z',
    );
    expect(iso(zonedToUtc({ year: 2026, month: 7, day: 15, hour: 9, minute: 0 }, 'Asia/Kolkata'))).toBe(
      '2026-07-15T03:30:00.000Z',
    );
    expect(iso(zonedToUtc({ year: 2026, month: 12, day: 31, hour: 23, minute: 59 }, 'UTC'))).toBe(
      '2026-12-31T23:59:00.000Z',
    );
  });

  it('moves a time skipped by spring-forward ahead by the gap (Paris, last Sunday of March)', () => {
    // 29 March 2026: clocks go from 02:00 CET to 03:00 CEST; 02:30 does not exist.
    expect(iso(zonedToUtc({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Paris'))).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    expect(
      zonedParts(zonedToUtc({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Paris'), 'Europe/Paris'),
    ).toMatchObject({ hour: 3, minute: 30 });
    expect(iso(zonedToUtc({ year: 2026, month: 3, day: 29, hour: 1, minute: 59 }, 'Europe/Paris'))).toBe(
      '2026-03-29T00:59:00.000Z',
    );
    expect(iso(zonedToUtc({ year: 2026, month: 3, day: 29, hour: 3, minute: 0 }, 'Europe/Paris'))).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });

  it('takes the earlier of a time that happens twice when clocks fall back (Paris, last Sunday of October)', () => {
    // 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
    expect(iso(zonedToUtc({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Paris'))).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    expect(iso(zonedToUtc({ year: 2026, month: 10, day: 25, hour: 9, minute: 0 }, 'Europe/Paris'))).toBe(
      '2026-10-25T08:00:00.000Z',
    );
  });

  it('handles New York DST changes (second Sunday of March, first Sunday of November)', () => {
    expect(iso(zonedToUtc({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, 'America/New_York'))).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    expect(iso(zonedToUtc({ year: 2026, month: 3, day: 8, hour: 9, minute: 0 }, 'America/New_York'))).toBe(
      '2026-03-08T13:00:00.000Z',
    );
    expect(iso(zonedToUtc({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/New_York'))).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(iso(zonedToUtc({ year: 2026, month: 11, day: 1, hour: 9, minute: 0 }, 'America/New_York'))).toBe(
      '2026-11-01T14:00:00.000Z',
    );
  });

  it('round-trips every quarter hour of a DST-change day', () => {
    for (const timeZone of ['Europe/Paris', 'America/New_York', 'Australia/Sydney']) {
      for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
        const wall = { year: 2026, month: 3, day: 29, hour: Math.floor(minutes / 60), minute: minutes % 60 };
        const back = zonedParts(zonedToUtc(wall, timeZone), timeZone);
        // Either the same wall time, or (in a gap) a later one on the same day.
        expect(back.day).toBe(29);
        expect(back.hour * 60 + back.minute).toBeGreaterThanOrEqual(minutes);
      }
    }
  });
});

describe('fromInputs', () => {
  it('reads date and time inputs and refuses impossible dates', () => {
    expect(fromInputs('2026-03-29', '09:05')).toEqual({ year: 2026, month: 3, day: 29, hour: 9, minute: 5 });
    expect(fromInputs('2026-02-30', '09:05')).toBeNull();
    expect(fromInputs('2026-03-29', '')).toBeNull();
    expect(fromInputs('', '09:00')).toBeNull();
  });
});

describe('relativeTime and formatDuration (issue 13, item 8)', () => {
  const now = Date.parse('2026-03-10T10:00:00Z');
  const MIN = 60_000;
  const HOUR = 60 * MIN;
  const DAY = 24 * HOUR;
  it('says how far away a moment is in human units, never "367 d"', () => {
    expect(relativeTime(now + 3 * HOUR, now)).toBe(nb('in 3 h'));
    expect(relativeTime(now + 5 * MIN, now)).toBe(nb('in 5 min'));
    expect(relativeTime(now + HOUR + 5 * MIN, now)).toBe(nb('in 1 h 5 min'));
    expect(relativeTime(now + 14 * HOUR + 20 * MIN, now)).toBe(nb('in 14 h'));
    expect(relativeTime(now + DAY, now)).toBe(nb('in 1 day'));
    expect(relativeTime(now + 2 * DAY, now)).toBe(nb('in 2 days'));
    expect(relativeTime(now + 92 * DAY, now)).toBe(nb('in 3 months'));
    expect(relativeTime(now + 367 * DAY, now)).toBe(nb('in 1 year'));
    expect(relativeTime(now - 10 * MIN, now)).toBe(nb('10 min ago'));
    expect(relativeTime(now - 3 * DAY, now)).toBe(nb('3 days ago'));
    expect(relativeTime(now + 10_000, now)).toBe(nb('in a few seconds'));
    expect(relativeTime(now - 10_000, now)).toBe(nb('just now'));
  });
  it('rounds at unit edges without "60 min" or "0 h"', () => {
    expect(formatDuration(59 * MIN + 50_000)).toBe(nb('1 h'));
    expect(formatDuration(2 * HOUR - 10_000)).toBe(nb('2 h'));
    expect(formatDuration(23.6 * HOUR)).toBe(nb('1 day'));
    expect(formatDuration(44 * DAY)).toBe(nb('44 days'));
    expect(formatDuration(46 * DAY)).toBe(nb('2 months'));
    expect(formatDuration(3 * 365 * DAY)).toBe(nb('3 years'));
  });
  it('joins with no-break spaces, so that "in 1 h" never wraps', () => {
    for (const ms of [30 * MIN, HOUR + 5 * MIN, 2 * DAY, 367 * DAY]) {
      expect(relativeTime(now + ms, now)).not.toMatch(/ /);
    }
  });
});

describe('lastSeenText (item 17)', () => {
  const now = Date.parse('2026-03-10T10:00:00Z');
  it('says "just now" right after someone goes offline, even against a "now" read a moment earlier', () => {
    expect(lastSeenText(new Date(now).toISOString(), 'UTC', now)).toBe('last seen just now');
    // The event's time is a few seconds after the screen's last clock tick (or the server clock runs ahead).
    expect(lastSeenText(new Date(now + 4_000).toISOString(), 'UTC', now)).toBe('last seen just now');
    expect(lastSeenText(new Date(now - 30_000).toISOString(), 'UTC', now)).toBe('last seen just now');
    expect(lastSeenText(new Date(now - 5 * 60_000).toISOString(), 'UTC', now)).toBe(`last seen ${nb('5 min ago')}`);
    expect(lastSeenText(new Date(now - 3 * 3_600_000).toISOString(), 'UTC', now)).toMatch(/^last seen today at 7:00/);
  });
});
