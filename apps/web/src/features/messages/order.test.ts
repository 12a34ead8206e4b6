import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '@herald/shared';
import { message } from '../../test-support/fixtures';
import { localIdFor, type TimelineMessage } from './merge';
import { findMessage, insertMessage, mergeMessages } from './order';

const SAME_SECOND = '2026-03-10T10:00:00.000Z';
/** A message of a delivery batch: one createdAt for all, a random id, only `seq` tells the order. */
const batched = (seq: number) => message({ id: crypto.randomUUID() as Message['id'], seq, createdAt: SAME_SECOND });
const local = (clientId: string): TimelineMessage => ({
  ...message({ clientId, seq: Number.MAX_SAFE_INTEGER }),
  id: localIdFor(clientId) as Message['id'],
  localStatus: 'sending',
});
const seqs = (messages: readonly Message[]) => messages.map((m) => m.seq);

afterEach(() => vi.restoreAllMocks());

describe('timeline order: by seq, in place', () => {
  it('orders messages that share one createdAt by seq, whatever their ids and arrival order', () => {
    let timeline: TimelineMessage[] = [];
    for (const seq of [5, 2, 9, 1, 7]) timeline = insertMessage(timeline, batched(seq));
    expect(seqs(timeline)).toEqual([1, 2, 5, 7, 9]);
    const page = [batched(4), batched(3), batched(8)];
    expect(seqs(mergeMessages(timeline, page))).toEqual([1, 2, 3, 4, 5, 7, 8, 9]);
  });

  it('puts one message into a 1,000-message timeline without sorting: every other entry is untouched', () => {
    const timeline = Array.from({ length: 1000 }, (_, i) => batched(i * 2));
    const sort = vi.spyOn(Array.prototype, 'sort');
    const arriving = batched(501);
    const next = insertMessage(timeline, arriving);
    expect(sort).not.toHaveBeenCalled();
    expect(next).toHaveLength(1001);
    expect(next[251]).toBe(arriving);
    expect(next.slice(0, 251).every((m, i) => m === timeline[i])).toBe(true);
    expect(next.slice(252).every((m, i) => m === timeline[i + 251])).toBe(true);
    expect(timeline).toHaveLength(1000); // the old array is left as it was (the store is immutable)
  });

  it('keeps local messages after the confirmed ones, in send order', () => {
    let timeline = insertMessage([], batched(10));
    timeline = insertMessage(timeline, local('first'));
    timeline = insertMessage(timeline, local('second'));
    const fromBob = batched(11);
    timeline = insertMessage(timeline, fromBob);
    expect(timeline.map((m) => m.id)).toEqual([timeline[0]!.id, fromBob.id, localIdFor('first'), localIdFor('second')]);
  });

  it('a confirmed message replaces its optimistic copy exactly once, however often it arrives', () => {
    let timeline = insertMessage([batched(1)], local('mine'));
    const confirmed = message({ clientId: 'mine', seq: 2, createdAt: SAME_SECOND });
    timeline = insertMessage(timeline, confirmed); // the HTTP answer
    expect(timeline.map((m) => m.id)).toEqual([timeline[0]!.id, confirmed.id]);
    // The socket echo, and the next page: the same array back, so nothing renders again.
    expect(insertMessage(timeline, { ...confirmed })).toBe(timeline);
    expect(mergeMessages(timeline, [{ ...confirmed }, { ...timeline[0]! }])).toBe(timeline);
  });

  it('a newer copy of a held message replaces it in place (receipts only move forward)', () => {
    const m = batched(3);
    const timeline = [batched(1), m, batched(5)];
    const read = insertMessage(timeline, { ...m, messageStatus: 'read' });
    expect(read[1]!.messageStatus).toBe('read');
    expect(read[0]).toBe(timeline[0]);
    expect(insertMessage(read, { ...m, messageStatus: 'delivered' })).toBe(read);
  });

  it('finds a message by id from an index built once per timeline', () => {
    const timeline = [batched(1), batched(2)];
    expect(findMessage(timeline, timeline[1]!.id)).toBe(timeline[1]);
    expect(findMessage(timeline, 'nope')).toBeUndefined();
  });
});
