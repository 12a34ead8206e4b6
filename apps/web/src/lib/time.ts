/**
 * Time-zone arithmetic with nothing but Intl. The server speaks UTC only (RFC 3339 with `Z`); the
 * person picks a wall-clock time in their own IANA zone, which may not be the browser's. These
 * helpers convert between the two correctly across daylight-saving changes.
 */
import { hourCycleOf, usePreferences } from './preferences';

/** A wall-clock moment in some zone. month is 1-12; weekday 0 = Sunday. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

export interface ZonedParts extends WallTime {
  second: number;
  weekday: number;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock reading of an instant in a zone. */
export function zonedParts(instant: Date | number, timeZone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const part of partsFormatter(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? 'Sun'] ?? 0,
  };
}

/** How far the zone's wall clock is ahead of UTC at that instant, in ms. */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const p = zonedParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

function sameWall(a: WallTime, b: WallTime): boolean {
  return (
    a.year === b.year &&
    a.month === b.month &&
    a.day === b.day &&
    a.hour === b.hour &&
    a.minute === b.minute &&
    (a.second ?? 0) === (b.second ?? 0)
  );
}

/**
 * The instant at which the zone's clock shows `wall`. Like Temporal's "compatible"
 * disambiguation: a time skipped by a spring-forward gap moves forward by the gap (02:30 on the
 * night clocks jump 02:00 -> 03:00 becomes 03:30); a time that happens twice when clocks fall
 * back is the earlier of the two.
 */
export function zonedToUtc(wall: WallTime, timeZone: string): Date {
  const local = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0);
  const before = zoneOffsetMs(local - DAY, timeZone);
  const after = zoneOffsetMs(local + DAY, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => local - offset)
    .filter((instant) => sameWall(zonedParts(instant, timeZone), wall));
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // In a gap: read the wall time with the offset in force before the jump.
  return new Date(local - before);
}

/** Calendar arithmetic on a date (no zone involved): the day `days` after year-month-day. */
export function addDays(date: Pick<WallTime, 'year' | 'month' | 'day'>, days: number) {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD` for <input type="date">. */
export function toDateInput(wall: Pick<WallTime, 'year' | 'month' | 'day'>): string {
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** `HH:MM` (or `HH:MM:SS` with seconds) for <input type="time">. */
export function toTimeInput(wall: Pick<WallTime, 'hour' | 'minute' | 'second'>, withSeconds = false): string {
  return `${pad(wall.hour)}:${pad(wall.minute)}${withSeconds ? `:${pad(wall.second ?? 0)}` : ''}`;
}

/** Reads the values of a date and a time input; null when either is incomplete or impossible. */
export function fromInputs(date: string, time: string): WallTime | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(time);
  if (!d || !t) return null;
  const wall: WallTime = {
    year: Number(d[1]),
    month: Number(d[2]),
    day: Number(d[3]),
    hour: Number(t[1]),
    minute: Number(t[2]),
    ...(t[3] ? { second: Number(t[3]) } : {}),
  };
  const check = new Date(Date.UTC(wall.year, wall.month - 1, wall.day));
  if (check.getUTCMonth() + 1 !== wall.month || check.getUTCDate() !== wall.day) return null;
  if (wall.hour > 23 || wall.minute > 59 || (wall.second ?? 0) > 59) return null;
  return wall;
}

/** RFC 3339 in UTC with `Z`, as the server wants it. */
export function toRfc3339(instant: Date): string {
  return instant.toISOString();
}

/** The browser's own zone, or UTC when the runtime does not say. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Every zone the runtime knows (for the settings picker). */
export function allTimeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

// ---- display ------------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Formats in a zone, with the clock (12/24 h) this device's settings ask for when it shows an hour. */
export function formatInZone(instant: Date | number | string, timeZone: string, options: Intl.DateTimeFormatOptions) {
  const hourCycle = options.hour || options.timeStyle ? hourCycleOf(usePreferences.getState().clock) : undefined;
  const key = `${timeZone}|${hourCycle ?? ''}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(undefined, { ...options, ...(hourCycle ? { hourCycle } : {}), timeZone });
    formatters.set(key, formatter);
  }
  return formatter.format(typeof instant === 'string' ? new Date(instant) : instant);
}

export const formatClock = (instant: Date | number | string, timeZone: string) =>
  formatInZone(instant, timeZone, { hour: 'numeric', minute: '2-digit' });

/** "Sat 14 Mar, 09:00" style, with the year only when it is not the current one. */
export function formatDateTime(instant: Date | number | string, timeZone: string, now = Date.now()): string {
  const date = typeof instant === 'string' ? new Date(instant) : new Date(instant);
  const sameYear = zonedParts(date, timeZone).year === zonedParts(now, timeZone).year;
  return formatInZone(date, timeZone, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
    hour: 'numeric',
    minute: '2-digit',
  });
}

/** "Saturday 14 March 2026 at 09:00" style, for the schedule preview. */
export function formatLong(instant: Date | number, timeZone: string): string {
  return formatInZone(instant, timeZone, { dateStyle: 'full', timeStyle: 'short' });
}

/** "GMT+1"-style label of the zone's offset at that instant. */
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
export function offsetLabel(instant: Date | number, timeZone: string): string {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' });
    offsetFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(instant);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** Same calendar day in that zone? */
export function sameDay(a: Date | number, b: Date | number, timeZone: string): boolean {
  const x = zonedParts(a, timeZone);
  const y = zonedParts(b, timeZone);
  return x.year === y.year && x.month === y.month && x.day === y.day;
}

/** A no-break space: a duration never wraps inside ("in 1 h" stays on one line). */
export const NBSP = '\u00a0';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * A length of time for people, in the largest unit that reads naturally: "5 min", "1 h 5 min"
 * (minutes kept below 10 hours), "14 h", "2 days", "3 months", "1 year"; never "367 d". Its
 * spaces are no-break spaces.
 */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  let text: string;
  if (abs < 59.5 * MINUTE) text = `${Math.max(1, Math.round(abs / MINUTE))} min`;
  else if (abs < 23.5 * HOUR) {
    const minutes = Math.round(abs / MINUTE);
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    text = hours < 10 && rest > 0 ? `${hours} h ${rest} min` : `${Math.round(abs / HOUR)} h`;
  } else if (abs < 45 * DAY) text = plural(Math.max(1, Math.round(abs / DAY)), 'day', 'days');
  else if (abs < 320 * DAY) text = plural(Math.round(abs / (30.44 * DAY)), 'month', 'months');
  else text = plural(Math.max(1, Math.round(abs / (365.25 * DAY))), 'year', 'years');
  return text.replaceAll(' ', NBSP);
}

/** "in 1 h 5 min", "in 2 days", "10 min ago", "in a few seconds": for lists and previews (no-break spaces). */
export function relativeTime(target: Date | number | string, now: number = Date.now()): string {
  const t = typeof target === 'string' ? Date.parse(target) : +target;
  const diff = t - now;
  const text = Math.abs(diff) < 45_000 ? null : formatDuration(diff);
  const phrase = diff >= 0 ? (text ? `in ${text}` : 'in a few seconds') : text ? `${text} ago` : 'just now';
  return phrase.replaceAll(' ', NBSP);
}

/** "Today", "Yesterday" or a date, for timeline day separators. */
export function dayLabel(instant: Date | number | string, timeZone: string, now = Date.now()): string {
  const date = typeof instant === 'string' ? new Date(instant) : new Date(instant);
  if (sameDay(date, now, timeZone)) return 'Today';
  if (sameDay(date, now - DAY, timeZone)) return 'Yesterday';
  const sameYear = zonedParts(date, timeZone).year === zonedParts(now, timeZone).year;
  return formatInZone(date, timeZone, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(sameYear ? {} : { year: 'numeric' }),
  });
}

/** A stable key for the calendar day of an instant in a zone. */
export function dayKey(instant: Date | number | string, timeZone: string): string {
  const p = zonedParts(typeof instant === 'string' ? Date.parse(instant) : instant, timeZone);
  return toDateInput(p);
}

/**
 * "last seen just now" / "last seen 5 min ago" / "last seen today at 14:02" / "last seen Mon 14:02".
 * Last seen is in the past by definition: a time after `now` (a `now` read a moment before the
 * event arrived, or a server clock slightly ahead) is "just now", never "in a few seconds".
 */
export function lastSeenText(lastSeenAt: string | null, timeZone: string, now = Date.now()): string {
  if (!lastSeenAt) return 'offline';
  const t = Math.min(Date.parse(lastSeenAt), now);
  if (now - t < 45_000) return 'last seen just now';
  if (now - t < HOUR) return `last seen ${relativeTime(t, now)}`;
  if (sameDay(t, now, timeZone)) return `last seen today at ${formatClock(t, timeZone)}`;
  return `last seen ${formatDateTime(t, timeZone, now)}`;
}
