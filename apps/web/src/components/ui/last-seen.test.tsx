import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LastSeen } from './last-seen';

afterEach(() => vi.useRealTimers());

describe('LastSeen (item 17)', () => {
  it('keeps up as time passes instead of freezing at the first render', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-03-10T10:00:00Z'));
    render(
      <p data-testid="seen">
        <LastSeen lastSeenAt="2026-03-10T10:00:02.000Z" timeZone="UTC" />
      </p>,
    );
    expect(screen.getByTestId('seen')).toHaveTextContent('last seen just now');
    act(() => {
      vi.advanceTimersByTime(2 * 60_000);
    });
    expect(screen.getByTestId('seen')).toHaveTextContent('last seen 2 min ago');
    act(() => {
      vi.advanceTimersByTime(10 * 60_000);
    });
    expect(screen.getByTestId('seen')).toHaveTextContent('last seen 12 min ago');
  });
});
