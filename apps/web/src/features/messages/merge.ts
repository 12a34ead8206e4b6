import { aggregateStatus, type Message, type MessageStatus, type MessageStatusEvent } from '@herald/shared';

/** A message as the timeline holds it: a server message, or an optimistic one not yet confirmed. */
export interface TimelineMessage extends Message {
  localStatus?: 'sending' | 'failed';
  localError?: string;
}

/** Optimistic messages use this id until the server's answer (or event) replaces them. */
export const localIdFor = (clientId: string) => `local:${clientId}`;
export const isLocal = (m: Pick<Message, 'id'>) => m.id.startsWith('local:');

const STATUS_RANK: Record<MessageStatus, number> = { sent: 0, delivered: 1, read: 2 };

/** Whether two values hold the same data (the fields of a message are JSON). */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

/**
 * Two copies of the same message (HTTP answer, socket event, REST page): statuses and views only
 * move forward. Returns `existing` itself when the other copy changes nothing, so that a duplicate
 * (my own send echoed by the socket, a page overlapping what is held) costs no render.
 */
export function combine(existing: TimelineMessage, incoming: Message): TimelineMessage {
  const status =
    STATUS_RANK[existing.messageStatus] > STATUS_RANK[incoming.messageStatus]
      ? existing.messageStatus
      : incoming.messageStatus;
  const receipts = incoming.receipts.length ? incoming.receipts : existing.receipts;
  const merged: TimelineMessage = {
    ...incoming,
    messageStatus: status,
    receipts,
    myViews: Math.max(existing.myViews, incoming.myViews),
  };
  const keys = Object.keys(merged) as (keyof TimelineMessage)[];
  const unchanged =
    keys.length === Object.keys(existing).length && keys.every((key) => sameValue(merged[key], existing[key]));
  return unchanged ? existing : merged;
}

/** Apply a delivered/read receipt to the messages it names. */
export function applyStatus(messages: readonly TimelineMessage[], event: MessageStatusEvent): TimelineMessage[] {
  const ids = new Set<string>(event.messageIds);
  let changed = false;
  const next = messages.map((message) => {
    if (!ids.has(message.id)) return message;
    changed = true;
    const receipts = message.receipts.some((r) => r.userId === event.userId)
      ? message.receipts.map((r) =>
          r.userId === event.userId
            ? {
                ...r,
                deliveredAt: r.deliveredAt ?? event.at,
                readAt: event.status === 'read' ? (r.readAt ?? event.at) : r.readAt,
              }
            : r,
        )
      : message.receipts;
    let status: MessageStatus;
    if (receipts.length > 0) {
      // The server's rule (groups: the least advanced status over every recipient).
      status = aggregateStatus(receipts.filter((r) => r.userId !== message.senderId));
    } else {
      status = event.status;
    }
    if (STATUS_RANK[status] < STATUS_RANK[message.messageStatus]) status = message.messageStatus;
    return { ...message, receipts, messageStatus: status };
  });
  return changed ? next : (messages as TimelineMessage[]);
}
