import { describe, expect, it } from 'vitest';
import { zonedParts } from '../../lib/time';
import { defaultPick, quickPicks } from './quick-picks';

const MINUTE = 60_000;
const picks = (now: string, timeZone: string) =>
  Object.fromEntries(quickPicks(new Date(now), timeZone, MINUTE).map((p) => [p.id, p.at.toISOString()]));

describe('quick picks', () => {
  it('on a Friday afternoon: later today, tomorrow (Saturday) 9:00 and the coming Monday 9:00', () => {
    // Friday 27 March 2026, 15:00 in Paris (CET, UTC+1).
    expect(picks('2026-03-27T14:00:00Z', 'Europe/Paris')).toEqual({
      'later-today': '2026-03-27T17:00:00.000Z', // 18:00 CET
      'tomorrow-morning': '2026-03-28T08:00:00.000Z', // Saturday 09:00 CET
      'monday-morning': '2026-03-30T07:00:00.000Z', // Monday 09:00 CEST: after the DST change
    });
  });

  it('on a Saturday, "Tomorrow 9:00" crosses the spring-forward night and stays at 9:00 local', () => {
    // Saturday 28 March 2026, 20:00 CET: too late for "Later today".
    const result = quickPicks(new Date('2026-03-28T19:00:00Z'), 'Europe/Paris', MINUTE);
    expect(result.map((p) => p.id)).toEqual(['tomorrow-morning', 'monday-morning']);
    expect(result[0]!.at.toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(zonedParts(result[0]!.at, 'Europe/Paris')).toMatchObject({ day: 29, hour: 9, minute: 0, weekday: 0 });
    expect(result[1]!.at.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(result[0]!.label).toMatch(/^Tomorrow 9:00/);
    expect(result[1]!.label).toMatch(/^Monday 9:00/);
  });

  it('on a Sunday, Monday is tomorrow: it is offered once', () => {
    const result = quickPicks(new Date('2026-03-29T08:00:00Z'), 'Europe/Paris', MINUTE);
    expect(result.map((p) => p.id)).toEqual(['later-today', 'tomorrow-morning']);
    expect(zonedParts(result[1]!.at, 'Europe/Paris')).toMatchObject({ day: 30, weekday: 1, hour: 9 });
  });

  it('on a Monday, "Monday" means next week', () => {
    // Monday 30 March 2026, 08:00 CEST.
    expect(picks('2026-03-30T06:00:00Z', 'Europe/Paris')['monday-morning']).toBe('2026-04-06T07:00:00.000Z');
  });

  it('falls back in Paris on the last Sunday of October: 9:00 is 08:00Z after the change', () => {
    // Saturday 24 October 2026, 12:00 CEST.
    expect(picks('2026-10-24T10:00:00Z', 'Europe/Paris')).toEqual({
      'later-today': '2026-10-24T13:00:00.000Z', // 15:00 CEST
      'tomorrow-morning': '2026-10-25T08:00:00.000Z', // Sunday 09:00 CET
      'monday-morning': '2026-10-26T08:00:00.000Z',
    });
  });

  it('New York: the weekend of the March change and of the November change', () => {
    // Saturday 7 March 2026, 20:00 EST (UTC-5).
    expect(picks('2026-03-08T01:00:00Z', 'America/New_York')).toEqual({
      'tomorrow-morning': '2026-03-08T13:00:00.000Z', // Sunday 09:00 EDT (UTC-4)
      'monday-morning': '2026-03-09T13:00:00.000Z',
    });
    // Saturday 31 October 2026, 10:00 EDT.
    expect(picks('2026-10-31T14:00:00Z', 'America/New_York')).toEqual({
      'later-today': '2026-10-31T17:00:00.000Z', // 13:00 EDT
      'tomorrow-morning': '2026-11-01T14:00:00.000Z', // Sunday 09:00 EST
      'monday-morning': '2026-11-02T14:00:00.000Z',
    });
  });

  it('uses the person’s zone, not the browser’s: it is already Saturday in Tokyo', () => {
    // Friday 27 March 2026 20:00Z = Saturday 05:00 in Tokyo.
    const result = picks('2026-03-27T20:00:00Z', 'Asia/Tokyo');
    expect(result['later-today']).toBe('2026-03-27T23:00:00.000Z'); // Saturday 08:00 JST
    expect(result['tomorrow-morning']).toBe('2026-03-29T00:00:00.000Z'); // Sunday 09:00 JST
    expect(result['monday-morning']).toBe('2026-03-30T00:00:00.000Z');
  });

  it('"Later today" rounds up to the hour and disappears late in the evening', () => {
    expect(picks('2026-03-10T09:20:00Z', 'UTC')['later-today']).toBe('2026-03-10T13:00:00.000Z');
    expect(picks('2026-03-10T18:00:00Z', 'UTC')['later-today']).toBe('2026-03-10T21:00:00.000Z');
    expect(picks('2026-03-10T18:01:00Z', 'UTC')['later-today']).toBeUndefined();
  });

  it('starts the pickers an hour ahead on a quarter hour', () => {
    expect(defaultPick(new Date('2026-03-10T09:20:00Z'), 'UTC').toISOString()).toBe('2026-03-10T10:30:00.000Z');
    expect(defaultPick(new Date('2026-03-10T09:45:00Z'), 'UTC').toISOString()).toBe('2026-03-10T10:45:00.000Z');
    expect(defaultPick(new Date('2026-03-10T09:46:00Z'), 'UTC').toISOString()).toBe('2026-03-10T11:00:00.000Z');
  });
});
