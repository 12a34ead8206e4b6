import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { message } from '../../../test-support/fixtures';
import { fakeServer } from '../../../test-support/network';
import { useMessages } from '../store';
import { SearchPanel } from './search-panel';
import { searchable } from './run';
import { useMessageSearch } from './store';

const C = 'c0000000-0000-4000-8000-000000000001';
const ME = 'u0000000-0000-4000-8000-0000000000aa';
const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T10:00:00.000Z`;
// Legacy (unsealed) content: opened at once, as a message already opened on this device.
const msg = (content: string, day: number, extra: Partial<Parameters<typeof message>[0]> = {}) =>
  message({ conversationId: C as never, content, createdAt: at(day), ...extra });

describe('searching a chat on the device (issue 13, item 3)', { timeout: 15_000 }, () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function renderPanel() {
    const onJump = vi.fn();
    useMessageSearch.getState().open(C);
    render(<SearchPanel conversationId={C} timeZone="UTC" myId={ME} nameOf={() => 'Alice'} onJump={onJump} />);
    return onJump;
  }

  it('finds loaded and older messages (paging back), newest first, and says how far back it looked', async () => {
    const older = [msg('The old Café by the river', 2), msg('unrelated', 3)];
    const server = fakeServer().on('GET', `/api/conversations/${C}/messages`, (call) =>
      call.query.get('before') === 'p2' ? { data: { messages: older, nextCursor: null } } : { status: 500 },
    );
    useMessages.setState({
      timelines: {
        [C]: {
          messages: [msg('cafe au lait', 10), msg('nothing', 11), msg('CAFÉ again', 12)],
          nextCursor: 'p2',
          loaded: true,
          loadingOlder: false,
          error: null,
        },
      },
    });
    const onJump = renderPanel();
    const box = screen.getByRole('searchbox', { name: 'Search this chat' });
    expect(box).toHaveFocus();
    await userEvent.type(box, 'cafe');
    const list = await screen.findByRole('list', { name: 'Search results' });
    await screen.findByText('Searched the whole chat.');
    expect(server.calls.some((c) => c.query.get('before') === 'p2')).toBe(true);
    const results = within(list).getAllByRole('button');
    expect(results.map((r) => r.querySelector('mark')?.textContent)).toEqual(['CAFÉ', 'cafe', 'Café']);
    expect(screen.getByText('3 results')).toBeInTheDocument();

    // Enter: the newest match, then older ones; shift+Enter back.
    await userEvent.keyboard('{Enter}');
    expect(onJump).toHaveBeenLastCalledWith(useMessages.getState().timelines[C]!.messages.at(-1)!.id);
    await userEvent.keyboard('{Enter}');
    await userEvent.keyboard('{Enter}');
    expect(onJump).toHaveBeenLastCalledWith(older[0]!.id);
    expect(screen.getByText('3 of 3')).toBeInTheDocument();
    await userEvent.keyboard('{Shift>}{Enter}{/Shift}');
    expect(screen.getByText('2 of 3')).toBeInTheDocument();

    // Picking a result jumps to it and folds the list away.
    await userEvent.click(within(list).getAllByRole('button')[0]!);
    expect(onJump).toHaveBeenCalledTimes(5);
    expect(screen.queryByRole('list', { name: 'Search results' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Show results' }));
    expect(screen.getByRole('list', { name: 'Search results' })).toBeInTheDocument();

    // Escape closes the search (and with it the marks in the bubbles).
    box.focus();
    await userEvent.keyboard('{Escape}');
    expect(useMessageSearch.getState().conversationId).toBeNull();
  });

  it('pages back a bounded number of pages, then offers to search older messages', async () => {
    let asked = 0;
    fakeServer().on('GET', `/api/conversations/${C}/messages`, (call) => {
      asked++;
      const n = Number(call.query.get('before') ?? '0');
      return {
        data: {
          messages: Array.from({ length: 50 }, (_, k) =>
            msg(`filler ${n}-${k}`, 1, { seq: 1_000_000 - n * 100 - k } as never),
          ),
          nextCursor: String(n + 1),
        },
      };
    });
    useMessages.setState({
      timelines: {
        [C]: { messages: [msg('hello', 20)], nextCursor: '1', loaded: true, loadingOlder: false, error: null },
      },
    });
    renderPanel();
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search this chat' }), 'needle');
    const more = await screen.findByRole('button', { name: 'Search older messages' });
    const first = asked;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(4);
    expect(screen.getByRole('status')).toHaveTextContent(/^Searched back to /);
    expect(screen.getByText('No results')).toBeInTheDocument();
    await userEvent.click(more);
    await screen.findByRole('button', { name: 'Search older messages' });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(500);
    });
    expect(asked).toBeGreaterThan(first);
    expect(asked).toBeLessThanOrEqual(first + 4);
  });

  it('skips timeline events, deleted messages and unsent ones', () => {
    expect(searchable({ ...msg('x', 1), contentType: 'event' } as never)).toBe(false);
    expect(searchable({ ...msg('x', 1), deletedAt: at(2) })).toBe(false);
    expect(searchable({ ...msg('x', 1), localStatus: 'sending' } as never)).toBe(false);
    expect(searchable(msg('x', 1))).toBe(true);
  });
});
