import { act, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Toasts } from '../../components/ui/toasts';
import type { SendControl } from '../../features/messages/components/composer';
import { LONG_PRESS_MS, SendButton } from './send-button';

function setup(blocked: SendControl['blocked'] = null) {
  const send: SendControl = { submit: vi.fn(), blocked, title: 'Send' };
  const onScheduleDialog = vi.fn();
  const onSchedule = vi.fn();
  render(
    <>
      <SendButton
        send={send}
        timeZone="UTC"
        pickerMinLeadSeconds={60}
        onScheduleDialog={onScheduleDialog}
        onSchedule={onSchedule}
      />
      <Toasts />
    </>,
  );
  return { send, onScheduleDialog, onSchedule, user: userEvent.setup() };
}

const sendButton = () => screen.getByRole('button', { name: 'Send' });
const arrow = () => screen.getByRole('button', { name: 'Schedule options' });

afterEach(() => vi.useRealTimers());

describe('one send button with a schedule option (issue 13, item 8)', () => {
  it('Send sends; the arrow opens the menu with "Schedule message…" and the quick picks', async () => {
    const { send, onScheduleDialog, user } = setup();
    await user.click(sendButton());
    expect(send.submit).toHaveBeenCalledTimes(1);
    expect(arrow()).toHaveAttribute('aria-haspopup', 'menu');
    expect(arrow()).toHaveAttribute('aria-expanded', 'false');
    await user.click(arrow());
    expect(arrow()).toHaveAttribute('aria-expanded', 'true');
    const items = screen.getAllByRole('menuitem').map((i) => i.textContent);
    expect(items[0]).toBe('Schedule message…');
    expect(items.some((t) => t?.startsWith('Tomorrow'))).toBe(true);
    await user.click(screen.getByRole('menuitem', { name: 'Schedule message…' }));
    expect(onScheduleDialog).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it('a quick pick schedules at once', async () => {
    const { onSchedule, user } = setup();
    await user.click(arrow());
    await user.click(screen.getByRole('menuitem', { name: /^Tomorrow/ }));
    expect(onSchedule).toHaveBeenCalledTimes(1);
    expect(onSchedule.mock.calls[0]![0]).toBeInstanceOf(Date);
  });

  it('a long press on Send opens the same menu and does not send', () => {
    vi.useFakeTimers();
    const { send } = setup();
    fireEvent.pointerDown(sendButton(), { button: 0 });
    act(() => {
      vi.advanceTimersByTime(LONG_PRESS_MS + 10);
    });
    expect(screen.getByRole('menu', { name: 'Send later' })).toBeInTheDocument();
    fireEvent.pointerUp(sendButton());
    fireEvent.click(sendButton());
    expect(send.submit).not.toHaveBeenCalled();
  });

  it('a short press sends and opens nothing', () => {
    vi.useFakeTimers();
    const { send } = setup();
    fireEvent.pointerDown(sendButton(), { button: 0 });
    act(() => {
      vi.advanceTimersByTime(100);
    });
    fireEvent.pointerUp(sendButton());
    fireEvent.click(sendButton());
    act(() => {
      vi.advanceTimersByTime(LONG_PRESS_MS);
    });
    expect(send.submit).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it('a right click on Send opens the menu', () => {
    const { send } = setup();
    fireEvent.contextMenu(sendButton());
    expect(screen.getByRole('menu')).toBeInTheDocument();
    expect(send.submit).not.toHaveBeenCalled();
  });

  it('is keyboard reachable: arrow keys open and move, Escape closes and gives focus back', async () => {
    const { onScheduleDialog, user } = setup();
    arrow().focus();
    await user.keyboard('{ArrowUp}');
    const items = await screen.findAllByRole('menuitem');
    await vi.waitFor(() => expect(items[0]).toHaveFocus());
    await user.keyboard('{ArrowDown}');
    expect(items[1]).toHaveFocus();
    await user.keyboard('{End}');
    expect(items.at(-1)).toHaveFocus();
    await user.keyboard('{Home}');
    expect(items[0]).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(arrow()).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    await vi.waitFor(() => expect(screen.getAllByRole('menuitem')[0]).toHaveFocus());
    await user.keyboard('{Enter}');
    expect(onScheduleDialog).toHaveBeenCalledTimes(1);
  });

  it('says why when there is nothing to schedule, instead of opening the dialog', async () => {
    const { onScheduleDialog, user } = setup({ reason: 'empty', text: 'Write a message first.' });
    expect(sendButton()).toBeDisabled();
    await user.click(arrow());
    expect(screen.getByRole('menuitem', { name: 'Schedule message…' })).toHaveAttribute('aria-disabled', 'true');
    await user.click(screen.getByRole('menuitem', { name: 'Schedule message…' }));
    expect(onScheduleDialog).not.toHaveBeenCalled();
    expect(screen.getByRole('status')).toHaveTextContent('Write a message or attach a photo or video to schedule it.');
  });
});
