import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { message } from '../../../test-support/fixtures';
import { localIdFor, type TimelineMessage } from '../merge';
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

describe('timeline order', () => {
  const renderTimeline = () =>
    render(
      <Timeline
        conversationId={C}
        myId={ME}
        timeZone="UTC"
        isGroup={false}
        nameOf={() => 'Bob'}
        renderMedia={() => null}
        onReply={() => {}}
        onReact={() => {}}
      />,
    );
  const ME = 'u0000000-0000-4000-8000-0000000000ff';
  const SAME_SECOND = '2026-03-10T10:00:00.000Z';
  const texts = () =>
    [...document.querySelectorAll('.msg-text')].map((el) => el.firstChild?.textContent ?? el.textContent);
  const loaded = (messages: TimelineMessage[]) =>
    useMessages.setState({
      timelines: { [C]: { messages, nextCursor: null, loaded: true, loadingOlder: false, error: null } },
    });

  it('renders by seq (equal createdAt, random ids), pending after confirmed, each message once', async () => {
    withLayout();
    loaded([]);
    renderTimeline();
    const batch = [30, 10, 20].map((seq) =>
      message({ id: crypto.randomUUID() as never, seq, content: `batch ${seq / 10}`, createdAt: SAME_SECOND }),
    );
    const pending: TimelineMessage = {
      ...message({ clientId: 'mine', content: 'sending', senderId: ME as never, seq: Number.MAX_SAFE_INTEGER }),
      id: localIdFor('mine') as never,
      localStatus: 'sending',
    };
    act(() => {
      useMessages.getState().receive(pending);
      for (const m of batch) useMessages.getState().receive(m);
      useMessages.getState().mergeLatestPage(C, { messages: [...batch].reverse(), nextCursor: null });
      useMessages.getState().receive(batch[0]!); // a late duplicate event
    });
    await vi.waitFor(() => expect(texts()).toEqual(['batch 1', 'batch 2', 'batch 3', 'sending']));
    // The server's copy of my message replaces the pending one, in its place by seq.
    act(() =>
      useMessages
        .getState()
        .receive(
          message({ clientId: 'mine', content: 'sent', senderId: ME as never, seq: 25, createdAt: SAME_SECOND }),
        ),
    );
    await vi.waitFor(() => expect(texts()).toEqual(['batch 1', 'batch 2', 'sent', 'batch 3']));
  });
});
