import type { Message, TimelineEvent } from '@herald/shared';

/**
 * The words for a timeline event (a server-written line: group created, members added or removed,
 * roles, title, disappearing messages), shared by the timeline and the chat list's preview.
 *
 * Names: "You" for me; a current member's name as the conversation knows it now (`memberName`);
 * else the name the event recorded when it happened (someone who left or was removed); else a
 * neutral word (a deleted account's name is wiped before its event is written).
 */
export function timelineEventText(
  message: Pick<Message, 'senderId'> & { event?: TimelineEvent | null },
  myId: string,
  memberName: (userId: string) => string | undefined,
): string {
  const event = message.event;
  if (!event) return '';
  const name = (userId: string, fallback = 'A former member') =>
    userId === myId ? 'You' : (memberName(userId) ?? event.names[userId] ?? fallback);
  // "You" opens a line; elsewhere it is "you" ("Ana added you").
  const object = (userId: string) => (userId === myId ? 'you' : name(userId));
  const actor = name(message.senderId);
  const actorIsMe = message.senderId === myId;
  switch (event.kind) {
    case 'group_created':
      return `${actor} created the group “${event.title}”`;
    case 'members_added':
      return `${actor} added ${list(event.userIds.map(object))}`;
    case 'member_removed':
      return `${actor} removed ${object(event.userId)}`;
    case 'member_left':
      return `${actor} left`;
    case 'member_gone':
      return `${name(message.senderId, 'A member')} deleted their account`;
    case 'role_changed':
      return event.role === 'admin'
        ? `${actor} made ${object(event.userId)} an admin`
        : `${actor} removed ${object(event.userId)} as admin`;
    case 'owner_inherited':
      return event.userId === myId ? 'You are now the owner' : `${name(event.userId)} is now the owner`;
    case 'title_changed':
      return `${actor} renamed the group “${event.title}”`;
    case 'temporary_mode_changed':
      return event.ttlSeconds === null
        ? `${actor} turned off disappearing messages`
        : `${actor} turned on disappearing messages (${ttlWords(event.ttlSeconds)})`;
    default:
      // A kind this build does not know yet (a newer server): say something true and neutral.
      return actorIsMe ? 'You changed the chat' : `${actor} changed the chat`;
  }
}

/** "Ben", "Ben and Cy", "Ben, Cy and Dee". */
function list(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? 'nobody';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

const TTL_WORDS: Record<number, string> = { 3_600: '1 hour', 86_400: '1 day', 604_800: '1 week', 7_776_000: '90 days' };

function ttlWords(seconds: number): string {
  return TTL_WORDS[seconds] ?? `${Math.round(seconds / 3_600)} hours`;
}

/** Whether this timeline entry is a server-written event line rather than someone's message. */
export function isTimelineEvent(message: Pick<Message, 'contentType'>): boolean {
  return message.contentType === 'event';
}
