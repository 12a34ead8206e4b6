import type { Conversation } from '@herald/shared';
import { isMutedAt } from './decide';

/**
 * The unread count shown in the tab title and on the favicon: unread messages in chats that are
 * not muted. A muted chat still shows its own count in the chat list (in grey), but does not call
 * me back to the tab: that is what muting means (Slack, Telegram and WhatsApp do the same).
 */
export function unreadForBadge(conversations: readonly Conversation[], now: number): number {
  let total = 0;
  for (const c of conversations) if (c.unreadCount > 0 && !isMutedAt(c.mutedUntil, now)) total += c.unreadCount;
  return total;
}

/** "(3) Herald"; "Herald" with nothing unread; "(99+) Herald" beyond 99. */
export function titleWithCount(count: number, base = 'Herald'): string {
  if (count <= 0) return base;
  return `(${count > 99 ? '99+' : count}) ${base}`;
}

/**
 * The favicon for a count: /favicon.svg, or one of the generated badge icons in public/
 * (favicon-1.svg ... favicon-9.svg, favicon-9plus.svg). Static files: the CSP's img-src allows
 * 'self' and blob: only, and a file needs neither a canvas nor an object URL to manage.
 */
export function faviconFor(count: number): string {
  if (count <= 0) return '/favicon.svg';
  return count > 9 ? '/favicon-9plus.svg' : `/favicon-${count}.svg`;
}
