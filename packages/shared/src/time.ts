/**
 * Strict time input for scheduling: RFC 3339 with an explicit offset (or Z), or epoch
 * milliseconds. `Date.parse` is not a validator: it turns 30 February into 2 March and reads
 * offset-less times in the server's own zone.
 */
export type TimeParse = { ok: true; date: Date } | { ok: false; reason: string };

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Epoch-ms values below this (1973-03-03) are almost surely seconds sent by mistake. */
const SMALLEST_PLAUSIBLE_MS = 100_000_000_000;
const LARGEST_MS = 8_640_000_000_000_000;
/** The largest UTC offset any time zone uses (Kiribati, +14:00); -12:00 is the other extreme. */
const MAX_OFFSET_MINUTES = 14 * 60;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function parseScheduledTime(input: unknown): TimeParse {
  if (typeof input === 'number' || (typeof input === 'string' && /^\d+$/.test(input.trim()))) {
    const ms = typeof input === 'number' ? input : Number(input.trim());
    if (!Number.isSafeInteger(ms)) return { ok: false, reason: 'epoch milliseconds must be a whole number' };
    if (ms < SMALLEST_PLAUSIBLE_MS) {
      return { ok: false, reason: `${ms} looks like seconds; send epoch milliseconds (e.g. ${ms * 1000})` };
    }
    if (ms > LARGEST_MS) return { ok: false, reason: 'epoch milliseconds out of range' };
    return { ok: true, date: new Date(ms) };
  }
  if (typeof input !== 'string') {
    return { ok: false, reason: 'send an RFC 3339 string with an offset, or epoch milliseconds' };
  }
  const match = RFC3339.exec(input.trim());
  if (!match) {
    return {
      ok: false,
      reason: /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(input.trim())
        ? 'the time has no offset: add Z or an offset such as +02:00'
        : 'expected RFC 3339 such as 2026-12-24T18:30:00+01:00, or epoch milliseconds',
    };
  }
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12) return { ok: false, reason: `month ${mo} does not exist` };
  if (day < 1 || day > daysInMonth(year, month)) return { ok: false, reason: `${y}-${mo}-${d} does not exist` };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: `${h}:${mi}:${s} is not a valid time` };
  let offsetMinutes = 0;
  if (!z) {
    const offH = Number(oh);
    const offM = Number(om);
    if (offH > 23 || offM > 59) return { ok: false, reason: `offset ${sign}${oh}:${om} is not valid` };
    offsetMinutes = (sign === '-' ? -1 : 1) * (offH * 60 + offM);
    // The grammar allows up to 23:59, but no place on Earth is beyond -12:00 .. +14:00: such an
    // offset is a typo or a forged value, and would move the instant by up to a day.
    if (offsetMinutes > MAX_OFFSET_MINUTES || offsetMinutes < -MAX_OFFSET_MINUTES) {
      return { ok: false, reason: `offset ${sign}${oh}:${om} is beyond ±14:00, which no time zone uses` };
    }
  }
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  // Years 0000-0099 would be mapped to 1900+ by Date.UTC.
  if (year < 1970) return { ok: false, reason: 'the year is too early' };
  return { ok: true, date: new Date(utc) };
}
