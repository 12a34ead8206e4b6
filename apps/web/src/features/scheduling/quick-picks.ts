import { addDays, formatClock, formatInZone, zonedParts, zonedToUtc } from '../../lib/time';

export interface QuickPick {
  id: 'later-today' | 'tomorrow-morning' | 'monday-morning';
  label: string;
  /** The weekday and date, so that nobody has to work out what "Monday" means. */
  detail: string;
  at: Date;
}

/** Hours after now that "Later today" aims for, rounded up to the next full hour. */
const LATER_TODAY_HOURS = 3;
/** "Later today" is offered only while it lands at or before this hour. */
const LATER_TODAY_LATEST_HOUR = 21;
const MORNING_HOUR = 9;

/**
 * Quick picks that depend on the weekday and the person's zone (not the browser's):
 * - "Later today": about 3 hours ahead on the hour, only while that is still this evening;
 * - "Tomorrow 9:00";
 * - "Monday 9:00": the next Monday (on Friday, Saturday or Sunday: the coming one), left out
 *   when it is tomorrow anyway.
 * Times are wall-clock times in the zone, so 9:00 stays 9:00 across a daylight-saving change.
 */
export function quickPicks(now: Date, timeZone: string, minLeadMs: number): QuickPick[] {
  const today = zonedParts(now, timeZone);
  const picks: QuickPick[] = [];
  const earliest = now.getTime() + minLeadMs;
  const detail = (at: Date) => formatInZone(at, timeZone, { weekday: 'short', day: 'numeric', month: 'short' });

  const laterHour = today.hour + LATER_TODAY_HOURS + (today.minute > 0 || today.second > 0 ? 1 : 0);
  if (laterHour <= LATER_TODAY_LATEST_HOUR) {
    const at = zonedToUtc({ ...today, hour: laterHour, minute: 0 }, timeZone);
    if (at.getTime() >= earliest) {
      picks.push({ id: 'later-today', label: `Later today ${formatClock(at, timeZone)}`, detail: detail(at), at });
    }
  }

  const tomorrow = addDays(today, 1);
  const tomorrowAt = zonedToUtc({ ...tomorrow, hour: MORNING_HOUR, minute: 0 }, timeZone);
  picks.push({
    id: 'tomorrow-morning',
    label: `Tomorrow ${formatClock(tomorrowAt, timeZone)}`,
    detail: detail(tomorrowAt),
    at: tomorrowAt,
  });

  const daysToMonday = (8 - today.weekday) % 7 || 7;
  if (daysToMonday !== 1) {
    const monday = addDays(today, daysToMonday);
    const at = zonedToUtc({ ...monday, hour: MORNING_HOUR, minute: 0 }, timeZone);
    picks.push({ id: 'monday-morning', label: `Monday ${formatClock(at, timeZone)}`, detail: detail(at), at });
  }
  return picks.filter((p) => p.at.getTime() >= earliest);
}

/** The dialog's starting point: an hour from now, rounded up to the next quarter hour. */
export function defaultPick(now: Date, timeZone: string): Date {
  const inAnHour = zonedParts(now.getTime() + 3_600_000, timeZone);
  const minutes = Math.ceil((inAnHour.minute + (inAnHour.second > 0 ? 1 : 0)) / 15) * 15;
  const base = zonedToUtc({ ...inAnHour, minute: 0 }, timeZone);
  return new Date(base.getTime() + minutes * 60_000);
}
