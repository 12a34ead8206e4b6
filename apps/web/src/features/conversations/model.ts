import type { Conversation, PublicUser } from '@herald/shared';

/** The other person of a direct chat (null for groups, or when they left). */
export function otherMember(conversation: Conversation, myId: string | undefined): PublicUser | null {
  if (conversation.kind !== 'direct') return null;
  return conversation.members.find((m) => m.user.id !== myId)?.user ?? null;
}

export function conversationTitle(conversation: Conversation, myId: string | undefined): string {
  if (conversation.kind === 'group') return conversation.title ?? 'Group';
  const other = otherMember(conversation, myId);
  if (!other) return 'Direct chat';
  return other.deleted ? 'Deleted account' : other.displayName;
}

export const TTL_LABELS: Record<string, string> = {
  off: 'Off',
  '3600': '1 hour',
  '86400': '1 day',
  '604800': '1 week',
  '7776000': '90 days',
};

export function ttlLabel(seconds: number | null): string {
  return TTL_LABELS[seconds === null ? 'off' : String(seconds)] ?? `${seconds} s`;
}

/**
 * My notifications for this chat are muted at `now` (ms): `mutedUntil` is 'forever' or an instant
 * still ahead (the server sends null once a mute has ended, but a page stays open past it).
 */
export function isMuted(conversation: Pick<Conversation, 'mutedUntil'>, now: number): boolean {
  const until = conversation.mutedUntil;
  if (!until) return false;
  return until === 'forever' || Date.parse(until) > now;
}
