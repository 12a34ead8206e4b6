import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useAuth } from '../features/auth/store';
import { useConversations } from '../features/conversations/store';
import { useScheduling } from '../features/scheduling/store';
import { conversation, scheduled, selfUser } from '../test-support/fixtures';
import { wireScheduledCounts } from './wiring';

let unwire: () => void;
beforeEach(() => {
  const c = conversation({ scheduledPendingCount: 1 });
  useConversations.setState({ byId: { [c.id]: c }, loaded: true });
  useAuth.setState({ status: 'signed-in', me: selfUser({ unseenFailedScheduled: 0 }) });
  unwire = wireScheduledCounts();
});
afterEach(() => unwire());

const count = () => Object.values(useConversations.getState().byId)[0]!.scheduledPendingCount;

describe('"N scheduled" and the failure badge follow scheduled-message events', () => {
  it('counts creations once, whether the REST answer or the socket event comes first', () => {
    const known = scheduled();
    useScheduling.getState().upsert(known, 'load'); // already counted by the server
    expect(count()).toBe(1);
    const created = scheduled();
    useScheduling.getState().upsert(created); // scheduled_message_created
    useScheduling.getState().upsert(created); // my own POST answer
    expect(count()).toBe(2);
    useScheduling.getState().upsert({ ...created, status: 'sent', updatedAt: '2026-03-12T08:00:00.100Z' });
    expect(count()).toBe(1);
    useScheduling.getState().upsert({ ...known, status: 'cancelled', updatedAt: '2026-03-11T08:00:00.000Z' });
    expect(count()).toBe(0);
    expect(useAuth.getState().me!.unseenFailedScheduled).toBe(0);
  });

  it('a failure lowers the count and raises the header badge, once', () => {
    const item = scheduled();
    useScheduling.getState().upsert(item, 'load');
    const failed = {
      ...item,
      status: 'failed' as const,
      failureCode: 'sender_not_member' as const,
      updatedAt: '2026-03-12T08:00:00.100Z',
    };
    useScheduling.getState().upsert(failed);
    useScheduling.getState().upsert(failed);
    expect(count()).toBe(0);
    expect(useAuth.getState().me!.unseenFailedScheduled).toBe(1);
  });
});
