import { render, screen, within } from '@testing-library/react';
import type { TimelineEventBody, UserId } from '@herald/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { message } from '../../../test-support/fixtures';
import { timelineEventText } from '../../../lib/timeline-event-text';
import { useMessages } from '../store';
import { Timeline } from './timeline';
import { timelineRows } from './timeline-rows';

const C = 'c0000000-0000-4000-8000-000000000001';
const ME = 'u0000000-0000-4000-8000-0000000000ff' as UserId;
const ANA = 'u0000000-0000-4000-8000-00000000000a' as UserId;
const BEN = 'u0000000-0000-4000-8000-00000000000b' as UserId;
const CY = 'u0000000-0000-4000-8000-00000000000c' as UserId;

const members: Record<string, string> = { [ANA]: 'Ana', [BEN]: 'Ben' };
const memberName = (id: string) => members[id];

function eventMessage(senderId: UserId, event: TimelineEventBody & { names?: Record<string, string> }) {
  return message({
    senderId,
    contentType: 'event',
    content: '',
    event: { names: {}, ...event },
  });
}

describe('timeline event words', () => {
  const text = (senderId: UserId, event: Parameters<typeof eventMessage>[1]) =>
    timelineEventText(eventMessage(senderId, event), ME, memberName);

  it('names me "You", members by their current name, and others by the name the event recorded', () => {
    expect(text(ANA, { kind: 'members_added', userIds: [ME] })).toBe('Ana added you');
    expect(text(ANA, { kind: 'group_created', title: 'Climbing', userIds: [ME, BEN] })).toBe(
      'Ana created the group “Climbing”',
    );
    expect(text(ME, { kind: 'members_added', userIds: [BEN, CY], names: { [CY]: 'Cy' } })).toBe('You added Ben and Cy');
    expect(text(ANA, { kind: 'member_removed', userId: CY, names: { [CY]: 'Cy' } })).toBe('Ana removed Cy');
    expect(text(ANA, { kind: 'member_removed', userId: CY })).toBe('Ana removed A former member');
    expect(text(CY, { kind: 'member_left', names: { [CY]: 'Cy' } })).toBe('Cy left');
    expect(text(CY, { kind: 'member_gone' })).toBe('A member deleted their account');
  });

  it('says roles, ownership, titles and disappearing messages plainly', () => {
    expect(text(ANA, { kind: 'role_changed', userId: BEN, role: 'admin' })).toBe('Ana made Ben an admin');
    expect(text(ANA, { kind: 'role_changed', userId: ME, role: 'member' })).toBe('Ana removed you as admin');
    expect(text(ANA, { kind: 'owner_inherited', userId: ME })).toBe('You are now the owner');
    expect(text(ANA, { kind: 'owner_inherited', userId: BEN })).toBe('Ben is now the owner');
    expect(text(BEN, { kind: 'title_changed', title: 'Bouldering' })).toBe('Ben renamed the group “Bouldering”');
    expect(text(ME, { kind: 'temporary_mode_changed', ttlSeconds: 86_400 })).toBe(
      'You turned on disappearing messages (1 day)',
    );
    expect(text(ANA, { kind: 'temporary_mode_changed', ttlSeconds: null })).toBe(
      'Ana turned off disappearing messages',
    );
  });
});

describe('timeline rows', () => {
  it('an event is its own row, and the next message names its sender again', () => {
    const first = message({ senderId: ANA, createdAt: '2026-03-10T10:00:00.000Z' });
    const line = eventMessage(ANA, { kind: 'member_left' });
    const next = message({ senderId: ANA, createdAt: '2026-03-10T10:02:00.000Z' });
    const rows = timelineRows([first, { ...line, createdAt: '2026-03-10T10:01:00.000Z' }, next], {
      timeZone: 'UTC',
      isGroup: true,
      myId: ME,
    });
    expect(rows.map((r) => r.kind)).toEqual(['day', 'message', 'event', 'message']);
    const last = rows[3]!;
    expect(last.kind === 'message' && last.showSender).toBe(true);
  });
});

describe('timeline event line', () => {
  afterEach(() => vi.restoreAllMocks());

  it('shows a centred note instead of a bubble, with no reply or reaction buttons', () => {
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({
      x: 0,
      y: 0,
      top: 0,
      left: 0,
      bottom: 600,
      right: 400,
      width: 400,
      height: 600,
      toJSON: () => ({}),
    });
    vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(400);
    vi.spyOn(HTMLElement.prototype, 'offsetWidth', 'get').mockReturnValue(400);
    const line = eventMessage(ANA, { kind: 'members_added', userIds: [CY], names: { [CY]: 'Cy' } });
    useMessages.setState({
      timelines: {
        [C]: { messages: [line], nextCursor: null, loaded: true, loadingOlder: false, error: null },
      },
    });
    render(
      <Timeline
        conversationId={C}
        myId={ME}
        timeZone="UTC"
        isGroup
        // As use-name-of.ts words them: a current member, else "Former member".
        nameOf={(id) => (id === ME ? 'You' : (members[id] ?? 'Former member'))}
        renderMedia={() => null}
        onReply={() => {}}
        onReact={() => {}}
      />,
    );
    const note = screen.getByRole('note');
    expect(note).toHaveTextContent('Ana added Cy');
    expect(within(note).queryAllByRole('button')).toEqual([]);
    expect(document.querySelector('.msg')).toBeNull();
  });
});
