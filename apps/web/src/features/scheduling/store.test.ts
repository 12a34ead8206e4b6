import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScheduledMessage } from '@herald/shared';
import { scheduled } from '../../test-support/fixtures';
import { fakeServer } from '../../test-support/network';
import { isNewer, onScheduledTransition, useScheduling } from './store';

beforeEach(() => useScheduling.setState({ byId: {}, loaded: {}, cancelling: {} }));

describe('scheduling store', () => {
  it('keeps the most advanced copy when REST answers and events cross', () => {
    const v1 = scheduled({ version: 1, updatedAt: '2026-03-10T10:00:00.000Z' });
    const v2 = { ...v1, version: 2, content: 'edited', updatedAt: '2026-03-10T10:01:00.000Z' };
    const sent = { ...v2, status: 'sent' as const, messageId: 'm1', updatedAt: '2026-03-10T10:02:00.000Z' };
    expect(isNewer(undefined, v1)).toBe(true);
    expect(isNewer(v2, v1)).toBe(false);
    expect(isNewer(v1, v2)).toBe(true);
    expect(isNewer(v2, sent)).toBe(true);
    expect(isNewer(sent, v2)).toBe(false); // a sent message never goes back to pending
    const store = useScheduling.getState();
    store.upsert(v2);
    store.upsert(v1);
    expect(useScheduling.getState().byId[v1.id]!.content).toBe('edited');
    store.upsert(sent);
    store.upsert(v2);
    expect(useScheduling.getState().byId[v1.id]!.status).toBe('sent');
  });

  it('takes a restored copy (pending, one version later) over the cancelled or failed one, never a stale one', () => {
    const pending = scheduled({ version: 1, updatedAt: '2026-03-10T10:00:00.000Z' });
    const cancelled = { ...pending, status: 'cancelled' as const, version: 2, updatedAt: '2026-03-10T10:01:00.000Z' };
    const restored = { ...pending, version: 3, updatedAt: '2026-03-10T10:02:00.000Z' };
    expect(isNewer(cancelled, pending)).toBe(false);
    expect(isNewer(cancelled, restored)).toBe(true);
    expect(isNewer(restored, cancelled)).toBe(false);
    const failed = { ...pending, status: 'failed' as const, updatedAt: '2026-03-10T10:01:00.000Z' };
    expect(isNewer(pending, failed)).toBe(true); // a failure at the same version
    expect(isNewer(failed, pending)).toBe(false);
    expect(isNewer(failed, { ...pending, version: 2 })).toBe(true);
  });

  it('reports status changes that happen, not lists that load', () => {
    const seen: [string | undefined, string][] = [];
    const off = onScheduledTransition((previous, next) => seen.push([previous, next.status]));
    const item = scheduled();
    useScheduling.getState().upsert(item, 'load');
    useScheduling.getState().upsert({ ...item, version: 2 }); // an edit: same status
    useScheduling.getState().upsert({ ...item, version: 2, status: 'failed', updatedAt: '2026-03-12T08:00:01.000Z' });
    const created = scheduled();
    useScheduling.getState().upsert(created);
    useScheduling.getState().upsert(created); // the socket echo of my own create
    off();
    expect(seen).toEqual([
      ['pending', 'failed'],
      [undefined, 'pending'],
    ]);
  });

  describe('cancel with undo', () => {
    afterEach(() => vi.useRealTimers());

    it('sends the DELETE only when the undo window ends', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      vi.setSystemTime(new Date('2026-03-10T10:00:00Z'));
      const item = scheduled({ scheduledTime: '2026-03-10T12:00:00.000Z' });
      const server = fakeServer().on('DELETE', `/api/scheduled-messages/${item.id}`, () => ({
        data: {
          ...item,
          status: 'cancelled',
          cancelledAt: '2026-03-10T10:00:05.000Z',
          updatedAt: '2026-03-10T10:00:05.000Z',
        } satisfies ScheduledMessage,
      }));
      useScheduling.getState().upsert(item, 'load');
      const undo = useScheduling.getState().cancelWithUndo(item.id, 5000);
      expect(undo).toBeTypeOf('function');
      expect(useScheduling.getState().cancelling[item.id]).toBeDefined();
      vi.advanceTimersByTime(4999);
      expect(server.calls).toHaveLength(0);
      vi.advanceTimersByTime(1);
      await vi.waitFor(() => expect(useScheduling.getState().byId[item.id]!.status).toBe('cancelled'));
      expect(server.callsTo('DELETE', `/api/scheduled-messages/${item.id}`)).toHaveLength(1);
      expect(server.calls[0]!.headers['Content-Type']).toBe('application/json');
      expect(useScheduling.getState().cancelling[item.id]).toBeUndefined();
    });

    it('undo within the window sends nothing at all', () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      vi.setSystemTime(new Date('2026-03-10T10:00:00Z'));
      const server = fakeServer();
      const item = scheduled({ scheduledTime: '2026-03-10T12:00:00.000Z' });
      useScheduling.getState().upsert(item, 'load');
      const undo = useScheduling.getState().cancelWithUndo(item.id, 5000)!;
      vi.advanceTimersByTime(3000);
      undo();
      vi.advanceTimersByTime(10_000);
      expect(server.calls).toHaveLength(0);
      expect(useScheduling.getState().byId[item.id]!.status).toBe('pending');
      expect(useScheduling.getState().cancelling).toEqual({});
    });

    it('cancels at once, without undo, when the message is due within the window', () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      vi.setSystemTime(new Date('2026-03-10T10:00:00Z'));
      const item = scheduled({ scheduledTime: '2026-03-10T10:00:04.000Z' });
      const server = fakeServer().on('DELETE', /\/api\/scheduled-messages\/.*/, () => ({
        data: { ...item, status: 'cancelled' },
      }));
      useScheduling.getState().upsert(item, 'load');
      expect(useScheduling.getState().cancelWithUndo(item.id, 5000)).toBeNull();
      expect(server.calls).toHaveLength(1);
    });

    it('flushes pending cancels with keepalive when the page goes away', () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      vi.setSystemTime(new Date('2026-03-10T10:00:00Z'));
      const item = scheduled({ scheduledTime: '2026-03-10T12:00:00.000Z' });
      const server = fakeServer().on('DELETE', /\/api\/scheduled-messages\/.*/, () => ({
        data: { ...item, status: 'cancelled' },
      }));
      useScheduling.getState().upsert(item, 'load');
      useScheduling.getState().cancelWithUndo(item.id, 5000);
      useScheduling.getState().flushCancels();
      expect(server.fetch).toHaveBeenCalledTimes(1);
      expect((server.fetch.mock.calls[0]![1] as RequestInit).keepalive).toBe(true);
    });
  });

  it('sends the version with edits and shows the server answer', async () => {
    const item = scheduled({ version: 3 });
    const server = fakeServer().on('PUT', `/api/scheduled-messages/${item.id}`, (call) => ({
      data: { ...item, ...(call.body as object), version: 4, updatedAt: '2026-03-10T11:00:00.000Z' },
    }));
    useScheduling.getState().upsert(item, 'load');
    await useScheduling.getState().update(item.id, { content: 'new text' });
    expect(server.calls[0]!.body).toEqual({ content: 'new text', version: 3 });
    expect(useScheduling.getState().byId[item.id]).toMatchObject({ content: 'new text', version: 4 });
  });
});
