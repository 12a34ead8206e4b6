import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { message } from '../../../test-support/fixtures';
import { useMessages } from '../store';
import { Timeline } from './timeline';

const C = 'c0000000-0000-4000-8000-000000000001';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** jsdom lays nothing out: give the scroller a size so that the virtualiser renders rows. */
function withLayout() {
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
}

describe('timeline day separators', () => {
  it('"Today" becomes "Yesterday" at midnight with the chat left open (no frozen "now")', () => {
    withLayout();
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-03-10T23:59:30Z'));
    useMessages.setState({
      timelines: {
        [C]: {
          messages: [message({ createdAt: '2026-03-10T10:00:00.000Z' })],
          nextCursor: null,
          loaded: true,
          loadingOlder: false,
          error: null,
        },
      },
    });
    render(
      <Timeline
        conversationId={C}
        myId="u0000000-0000-4000-8000-0000000000ff"
        timeZone="UTC"
        isGroup={false}
        nameOf={() => 'Bob'}
        renderMedia={() => null}
        onReply={() => {}}
        onReact={() => {}}
      />,
    );
    expect(screen.getByRole('separator')).toHaveAccessibleName('Today');
    act(() => {
      vi.advanceTimersByTime(90_000);
    });
    expect(screen.getByRole('separator')).toHaveAccessibleName('Yesterday');
  });
});
