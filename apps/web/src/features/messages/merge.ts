import type { Message, MessageStatus, MessageStatusEvent } from '@herald/shared';

/** A message as the timeline holds it: a server message, or an optimistic one not yet confirmed. */
export interface TimelineMessage extends Message {
  localStatus?: 'sending' | 'failed';
  localError?: string;
}

/** Optimistic messages use this id until the server's answer (or event) replaces them. */
export const localIdFor = (clientId: string) => `local:${clientId}`;
export const isLocal = (m: Pick<Message, 'id'>) => m.id.startsWith('local:');

const STATUS_RANK: Record<MessageStatus, number> = { sent: 0, delivered: 1, read: 2 };

export function compareMessages(a: Message, b: Message): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Two copies of the same message (REST page and socket event): statuses and views only move forward. */
function combine(existing: TimelineMessage, incoming: Message): TimelineMessage {
  const status =
    STATUS_RANK[existing.messageStatus] > STATUS_RANK[incoming.messageStatus]
      ? existing.messageStatus
      : incoming.messageStatus;
  const receipts = incoming.receipts.length ? incoming.receipts : existing.receipts;
  return {
    ...incoming,
    messageStatus: status,
    receipts,
    myViews: Math.max(existing.myViews, incoming.myViews),
  };
}

/**
 * Merge messages into a timeline kept oldest-first: by id, so that the same message arriving by
 * REST and by socket appears once; a server message with a `clientId` replaces the optimistic copy.
 */
export function mergeMessages(current: readonly TimelineMessage[], incoming: readonly Message[]): TimelineMessage[] {
  if (incoming.length === 0) return current as TimelineMessage[];
  const byId = new Map<string, TimelineMessage>();
  for (const message of current) byId.set(message.id, message);
  for (const message of incoming) {
    if (message.clientId && !isLocal(message)) byId.delete(localIdFor(message.clientId));
    const existing = byId.get(message.id);
    byId.set(message.id, existing ? combine(existing, message) : message);
  }
  return [...byId.values()].sort(compareMessages);
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
      // Groups: the least advanced status over every recipient.
      const others = receipts.filter((r) => r.userId !== message.senderId);
      status = others.every((r) => r.readAt) ? 'read' : others.every((r) => r.deliveredAt) ? 'delivered' : 'sent';
    } else {
      status = event.status;
    }
    if (STATUS_RANK[status] < STATUS_RANK[message.messageStatus]) status = message.messageStatus;
    return { ...message, receipts, messageStatus: status };
  });
  return changed ? next : (messages as TimelineMessage[]);
}
