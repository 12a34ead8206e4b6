import type { Message } from '@herald/shared';
import { combine, isLocal, localIdFor, type TimelineMessage } from './merge';

/*
 * A conversation's order is the server's `seq` (what its pages are keyed by). Time cannot order it:
 * a delivery batch shares one `createdAt`, and ids are random. A timeline is one array: confirmed
 * messages by `seq`, then the local ones (sending, or failed) in the order they were sent, since
 * their `seq` is unknown until the server answers.
 *
 * Every change is made in place rather than by sorting everything again: a binary search finds the
 * position, one copy of the array takes the change, and every other entry keeps its identity (the
 * memoised bubbles do not render again). A change that changes nothing returns the same array, so
 * the store does not notify anyone.
 */

/** Where the local tail starts (local messages are always last). */
export function localStart(messages: readonly TimelineMessage[]): number {
  let start = messages.length;
  while (start > 0 && isLocal(messages[start - 1]!)) start -= 1;
  return start;
}

/** The first index in [0, end) whose seq is >= `seq`. */
function lowerBound(messages: readonly TimelineMessage[], seq: number, end: number): number {
  let low = 0;
  let high = end;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (messages[middle]!.seq < seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

function withoutIndex(messages: readonly TimelineMessage[], index: number): TimelineMessage[] {
  return [...messages.slice(0, index), ...messages.slice(index + 1)];
}

function withIndex(messages: readonly TimelineMessage[], index: number, message: TimelineMessage): TimelineMessage[] {
  const next = messages.slice();
  next[index] = message;
  return next;
}

/**
 * One message in its place: an optimistic copy goes last (or replaces itself, on retry); a server
 * copy replaces the optimistic one with its `clientId` and goes where its `seq` says, merged with
 * the copy already held (the HTTP answer and the socket echo of one send are one message).
 */
export function insertMessage(messages: readonly TimelineMessage[], incoming: TimelineMessage): TimelineMessage[] {
  if (isLocal(incoming)) {
    const index = messages.findIndex((m) => m.id === incoming.id);
    return index >= 0 ? withIndex(messages, index, incoming) : [...messages, incoming];
  }
  let current = messages;
  if (incoming.clientId) {
    const localId = localIdFor(incoming.clientId);
    for (let index = localStart(current); index < current.length; index += 1) {
      if (current[index]!.id === localId) {
        current = withoutIndex(current, index);
        break;
      }
    }
  }
  const end = localStart(current);
  const at = lowerBound(current, incoming.seq, end);
  const existing = at < end ? current[at]! : undefined;
  if (existing && existing.seq === incoming.seq) {
    const merged = existing.id === incoming.id ? combine(existing, incoming) : existing;
    if (merged === existing) return current as TimelineMessage[];
    return withIndex(current, at, merged);
  }
  return [...current.slice(0, at), incoming, ...current.slice(at)];
}

/**
 * Many server messages at once (a page): the page alone is put in `seq` order (a server page is in
 * order already; at most one page long), then merged with the timeline in one pass.
 */
export function mergeMessages(messages: readonly TimelineMessage[], incoming: readonly Message[]): TimelineMessage[] {
  if (incoming.length === 0) return messages as TimelineMessage[];
  if (incoming.length === 1) return insertMessage(messages, incoming[0]!);
  const page = [...incoming].sort((a, b) => a.seq - b.seq);
  const end = localStart(messages);
  const out: TimelineMessage[] = [];
  let changed = false;
  let i = 0;
  let j = 0;
  while (i < end || j < page.length) {
    const held = i < end ? messages[i] : undefined;
    const next = j < page.length ? page[j] : undefined;
    if (held && (!next || held.seq < next.seq)) {
      out.push(held);
      i += 1;
      continue;
    }
    j += 1;
    const last = out[out.length - 1];
    if (last && last.seq === next!.seq) {
      // The same message twice in one page: keep one.
      out[out.length - 1] = last.id === next!.id ? combine(last, next!) : last;
      continue;
    }
    if (held && held.seq === next!.seq) {
      const merged = held.id === next!.id ? combine(held, next!) : held;
      changed ||= merged !== held;
      out.push(merged);
      i += 1;
    } else {
      changed = true;
      out.push(next!);
    }
  }
  const confirmed = new Set(page.flatMap((m) => (m.clientId ? [localIdFor(m.clientId)] : [])));
  for (const local of messages.slice(end)) {
    if (confirmed.has(local.id)) changed = true;
    else out.push(local);
  }
  return changed ? out : (messages as TimelineMessage[]);
}

/** The same timeline with one message changed (the same array when it is not there). */
export function updateMessage(
  messages: readonly TimelineMessage[],
  id: string,
  change: (message: TimelineMessage) => TimelineMessage,
): TimelineMessage[] {
  const index = messages.findIndex((m) => m.id === id);
  if (index < 0) return messages as TimelineMessage[];
  return withIndex(messages, index, change(messages[index]!));
}

/** The same timeline without these messages (the same array when none is there). */
export function removeMessages(messages: readonly TimelineMessage[], ids: ReadonlySet<string>): TimelineMessage[] {
  const next = messages.filter((m) => !ids.has(m.id));
  return next.length === messages.length ? (messages as TimelineMessage[]) : next;
}

const indexes = new WeakMap<readonly TimelineMessage[], Map<string, TimelineMessage>>();

/**
 * A message by id (reply quotes). The index is built once per version of the timeline, on first
 * use, and shared by every caller.
 */
export function findMessage(messages: readonly TimelineMessage[], id: string): TimelineMessage | undefined {
  let index = indexes.get(messages);
  if (!index) {
    index = new Map(messages.map((m) => [m.id, m]));
    indexes.set(messages, index);
  }
  return index.get(id);
}
