import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keepToastsAbove, toast, useToasts } from './toast-store';
import { Toasts } from './toasts';

beforeEach(() => useToasts.setState({ toasts: [] }));
afterEach(() => vi.useRealTimers());

describe('toasts (issue 13, item 8)', () => {
  it('offers one Undo at a time: a new one replaces the previous, whose action is then final', async () => {
    const first = vi.fn();
    const second = vi.fn();
    render(<Toasts />);
    act(() => {
      toast.undo('Scheduled for Monday', first, 5000);
      toast.info('Copied');
      toast.undo('Scheduled message cancelled', second, 5000);
    });
    const undos = screen.getAllByRole('button', { name: 'Undo' });
    expect(undos).toHaveLength(1);
    expect(screen.queryByText('Scheduled for Monday')).toBeNull();
    expect(screen.getByText('Copied')).toBeInTheDocument();
    await userEvent.click(undos[0]!);
    expect(second).toHaveBeenCalledTimes(1);
    expect(first).not.toHaveBeenCalled();
    expect(screen.queryByText('Scheduled message cancelled')).toBeNull();
  });

  it('treats any toast whose action is Undo the same way, and keeps at most three', () => {
    render(<Toasts />);
    act(() => {
      useToasts.getState().show({ text: 'Deleted', action: { label: 'Undo', onAction: () => {} } });
      toast.undo('Cancelled', () => {}, 5000);
    });
    expect(screen.getAllByRole('button', { name: 'Undo' })).toHaveLength(1);
    act(() => {
      for (const text of ['a', 'b', 'c', 'd']) toast.info(text);
    });
    expect(useToasts.getState().toasts.map((t) => t.text)).toEqual(['b', 'c', 'd']);
  });

  it('goes away after its duration', () => {
    vi.useFakeTimers();
    render(<Toasts />);
    act(() => {
      toast.undo('Cancelled', () => {}, 5000);
    });
    act(() => {
      vi.advanceTimersByTime(5001);
    });
    expect(screen.queryByText('Cancelled')).toBeNull();
  });

  it('keeps toasts above the composer: its top edge becomes their bottom offset', () => {
    const composer = document.createElement('div');
    document.body.append(composer);
    vi.spyOn(composer, 'getBoundingClientRect').mockReturnValue({ top: 700 } as DOMRect);
    vi.stubGlobal('innerHeight', 800);
    const stop = keepToastsAbove(composer);
    expect(document.documentElement.style.getPropertyValue('--toasts-bottom')).toBe('112px');
    stop();
    expect(document.documentElement.style.getPropertyValue('--toasts-bottom')).toBe('');
    composer.remove();
  });
});
