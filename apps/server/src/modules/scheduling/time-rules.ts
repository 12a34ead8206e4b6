import { parseScheduledTime } from '@herald/shared';
import { AppError } from '../../lib/app-error.js';

export interface TimeRules {
  minLeadSeconds: number;
  maxHorizonDays: number;
}

/**
 * The scheduled time (a string or a number, as ScheduledTimeInput parsed it) as a UTC instant,
 * or a 4xx saying exactly what is wrong: not a strict RFC 3339 time with offset nor epoch
 * milliseconds (400 invalid_time), sooner than the minimum lead (422 time_too_soon) or beyond the
 * horizon (422 time_too_far). Both bounds are measured on the injected clock, which in
 * production follows the database clock.
 */
export function resolveScheduledTime(input: string | number, now: Date, rules: TimeRules): Date {
  const parsed = parseScheduledTime(input);
  if (!parsed.ok)
    throw new AppError('invalid_time', `scheduledTime: ${parsed.reason}.`, [
      { path: 'scheduledTime', message: parsed.reason },
    ]);
  const earliest = new Date(now.getTime() + rules.minLeadSeconds * 1000);
  const latest = new Date(now.getTime() + rules.maxHorizonDays * 86_400_000);
  if (parsed.date < earliest) {
    throw new AppError(
      'time_too_soon',
      `The scheduled time must be at least ${rules.minLeadSeconds} s from now (after ${earliest.toISOString()}).`,
      { earliest: earliest.toISOString(), scheduledTime: parsed.date.toISOString() },
    );
  }
  if (parsed.date > latest) {
    throw new AppError(
      'time_too_far',
      `The scheduled time can be at most ${rules.maxHorizonDays} days ahead (before ${latest.toISOString()}).`,
      { latest: latest.toISOString(), scheduledTime: parsed.date.toISOString() },
    );
  }
  return parsed.date;
}
