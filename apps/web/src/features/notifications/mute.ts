import { formatClock, formatInZone, sameDay } from '../../lib/time';
import { isMutedAt } from './decide';

export interface MuteChoice {
  label: string;
  /** Milliseconds from now; null = until I turn it back on. */
  ms: number | null;
}

/** What "Mute notifications" offers (Slack, Telegram and WhatsApp offer about these). */
export const MUTE_CHOICES: readonly MuteChoice[] = [
  { label: 'For 1 hour', ms: 3_600_000 },
  { label: 'For 8 hours', ms: 8 * 3_600_000 },
  { label: 'For 1 week', ms: 7 * 86_400_000 },
  { label: 'Until I turn it back on', ms: null },
];

/** The body of PUT .../mute for a choice made at `now` (ms). */
export function muteUntilFor(choice: MuteChoice, now: number): string {
  return choice.ms === null ? 'forever' : new Date(now + choice.ms).toISOString();
}

/** "Muted", "Muted until 18:30", "Muted until Tue 09:00", "Muted until 12 Dec"; '' when not muted. */
export function mutedLabel(mutedUntil: string | null | undefined, now: number, timeZone: string): string {
  if (!mutedUntil || !isMutedAt(mutedUntil, now)) return '';
  if (mutedUntil === 'forever') return 'Muted';
  const until = Date.parse(mutedUntil);
  if (sameDay(until, now, timeZone)) return `Muted until ${formatClock(mutedUntil, timeZone)}`;
  if (until - now < 6 * 86_400_000) {
    return `Muted until ${formatInZone(mutedUntil, timeZone, { weekday: 'short' })} ${formatClock(mutedUntil, timeZone)}`;
  }
  return `Muted until ${formatInZone(mutedUntil, timeZone, { day: 'numeric', month: 'short' })}`;
}
