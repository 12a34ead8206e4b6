import { act, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../lib/http';
import { ScheduleDialog, type ScheduleDialogProps } from './schedule-dialog';

function setup(now: string, props: Partial<ScheduleDialogProps> = {}) {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  vi.setSystemTime(new Date(now));
  const onSubmit = vi.fn<(at: Date) => Promise<void>>(async () => {});
  const onClose = vi.fn();
  render(
    <ScheduleDialog
      timeZone="Europe/Paris"
      pickerMinLeadSeconds={60}
      maxHorizonDays={367}
      onSubmit={onSubmit}
      onClose={onClose}
      {...props}
    />,
  );
  const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime.bind(vi) });
  return { onSubmit, onClose, user };
}

const dateInput = () => screen.getByLabelText<HTMLInputElement>('Date');
const timeInput = () => screen.getByLabelText<HTMLInputElement>('Time');
const submitButton = () => screen.getByRole('button', { name: 'Schedule' });

afterEach(() => vi.useRealTimers());

describe('ScheduleDialog', () => {
  it('offers nothing earlier than the minimum lead and says why', async () => {
    const { onSubmit, user } = setup('2026-03-10T10:00:20Z', { timeZone: 'UTC' });
    expect(dateInput().min).toBe('2026-03-10');
    fireEvent.change(dateInput(), { target: { value: '2026-03-10' } });
    expect(timeInput().min).toBe('10:02'); // 10:00:20 + 60 s, rounded up to the minute
    fireEvent.change(timeInput(), { target: { value: '10:01' } });
    expect(screen.getByRole('alert')).toHaveTextContent('Pick a time at least one minute from now.');
    expect(submitButton()).toBeDisabled();
    fireEvent.change(timeInput(), { target: { value: '10:02' } });
    expect(screen.getByTestId('schedule-preview')).toHaveTextContent(/in 2 min/);
    expect(submitButton()).toBeEnabled();
    await user.click(submitButton());
    expect(onSubmit).toHaveBeenCalledWith(new Date('2026-03-10T10:02:00.000Z'));
  });

  it('refuses a date in the past and beyond the horizon', () => {
    setup('2026-03-10T10:00:00Z', { timeZone: 'UTC', maxHorizonDays: 30 });
    fireEvent.change(dateInput(), { target: { value: '2026-03-09' } });
    fireEvent.change(timeInput(), { target: { value: '12:00' } });
    expect(screen.getByRole('alert')).toHaveTextContent('at least one minute from now');
    fireEvent.change(dateInput(), { target: { value: '2026-05-01' } });
    expect(screen.getByRole('alert')).toHaveTextContent('within 30 days');
    expect(dateInput().max).toBe('2026-04-09');
  });

  it('quick picks across a weekend: on Friday, "Monday 9:00" is the coming Monday', async () => {
    // Friday 27 March 2026, 15:00 in Paris.
    const { onSubmit, user } = setup('2026-03-27T14:00:00Z');
    const picks = screen.getAllByRole('button', { pressed: false }).map((b) => b.textContent);
    expect(picks.some((t) => t?.startsWith('Later today'))).toBe(true);
    await user.click(screen.getByRole('button', { name: /^Monday 9:00/ }));
    expect(screen.getByRole('button', { name: /^Monday 9:00/ })).toHaveAttribute('aria-pressed', 'true');
    expect(dateInput().value).toBe('2026-03-30');
    expect(timeInput().value).toBe('09:00');
    expect(screen.getByTestId('schedule-preview')).toHaveTextContent(/Monday, March 30, 2026/);
    await user.click(submitButton());
    expect(onSubmit).toHaveBeenCalledWith(new Date('2026-03-30T07:00:00.000Z')); // 9:00 CEST
  });

  it('quick picks across the spring-forward night keep 9:00 local (Paris, last Sunday of March)', async () => {
    // Saturday 28 March 2026, 20:00 CET: "Later today" no longer fits.
    const { onSubmit, user } = setup('2026-03-28T19:00:00Z');
    expect(screen.queryByRole('button', { name: /^Later today/ })).toBeNull();
    await user.click(screen.getByRole('button', { name: /^Tomorrow 9:00/ }));
    expect(screen.getByText(/GMT\+2/)).toBeInTheDocument(); // the offset shown is the one in force then
    await user.click(submitButton());
    expect(onSubmit).toHaveBeenCalledWith(new Date('2026-03-29T07:00:00.000Z'));
  });

  it('quick picks across the fall-back night (America/New_York, first Sunday of November)', async () => {
    // Saturday 31 October 2026, 10:00 EDT.
    const { onSubmit, user } = setup('2026-10-31T14:00:00Z', { timeZone: 'America/New_York' });
    await user.click(screen.getByRole('button', { name: /^Tomorrow 9:00/ }));
    await user.click(submitButton());
    expect(onSubmit).toHaveBeenCalledWith(new Date('2026-11-01T14:00:00.000Z')); // 9:00 EST
  });

  it('a time skipped by the clocks going forward is explained and moved', async () => {
    const { onSubmit, user } = setup('2026-03-27T14:00:00Z');
    fireEvent.change(dateInput(), { target: { value: '2026-03-29' } });
    fireEvent.change(timeInput(), { target: { value: '02:30' } });
    expect(screen.getByText(/02:30 does not exist that day/)).toBeInTheDocument();
    await user.click(submitButton());
    expect(onSubmit).toHaveBeenCalledWith(new Date('2026-03-29T01:30:00.000Z'));
  });

  it('shows the time zone and, in a direct chat, the recipient’s local time', async () => {
    const { user } = setup('2026-03-27T14:00:00Z', { recipient: { name: 'Bob', timeZone: 'America/New_York' } });
    expect(screen.getByText(/Time zone:/)).toHaveTextContent('Europe/Paris');
    await user.click(screen.getByRole('button', { name: /^Tomorrow 9:00/ }));
    // Saturday 9:00 in Paris (CET) = 08:00Z = 4:00 in New York (EDT since 8 March).
    expect(screen.getByTestId('recipient-time')).toHaveTextContent(/For Bob it will be 4:00\sAM/);
    expect(screen.getByTestId('recipient-time')).toHaveTextContent('America/New York');
  });

  it('says when the recipient is on another day', async () => {
    const { user } = setup('2026-03-27T14:00:00Z', { recipient: { name: 'Kenji', timeZone: 'Asia/Tokyo' } });
    await user.click(screen.getByRole('button', { name: /^Tomorrow 9:00/ }));
    expect(screen.getByTestId('recipient-time')).toHaveTextContent(/5:00\sPM/);
    fireEvent.change(timeInput(), { target: { value: '20:00' } });
    expect(screen.getByTestId('recipient-time')).toHaveTextContent(/4:00\sAM on Sunday/);
  });

  it('shows server errors in place and keeps the dialog open', async () => {
    const { onSubmit, onClose, user } = setup('2026-03-27T14:00:00Z');
    onSubmit.mockRejectedValueOnce(new ApiError('time_too_soon', 'The scheduled time is too soon.', 422));
    await user.click(screen.getByRole('button', { name: /^Tomorrow 9:00/ }));
    await user.click(submitButton());
    expect(await screen.findByTestId('schedule-error')).toHaveTextContent('The scheduled time is too soon.');
    expect(onClose).not.toHaveBeenCalled();
    expect(submitButton()).toBeEnabled();
  });

  it('starts from the current time when rescheduling and closes with Escape', async () => {
    const { onClose, user } = setup('2026-03-10T10:00:00Z', {
      timeZone: 'UTC',
      initial: new Date('2026-03-12T08:15:00Z'),
    });
    expect(dateInput().value).toBe('2026-03-12');
    expect(timeInput().value).toBe('08:15');
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalled();
  });

  it('moves the earliest allowed time as the clock runs', () => {
    setup('2026-03-10T10:00:00Z', { timeZone: 'UTC' });
    fireEvent.change(dateInput(), { target: { value: '2026-03-10' } });
    fireEvent.change(timeInput(), { target: { value: '10:02' } });
    expect(submitButton()).toBeEnabled();
    act(() => {
      vi.advanceTimersByTime(70_000);
    });
    expect(submitButton()).toBeDisabled();
  });
});

describe('ScheduleDialog with a short picker lead (tests, demos)', () => {
  it('takes seconds so that "a few seconds from now" can be picked', async () => {
    const { onSubmit, user } = setup('2026-03-10T10:00:00.500Z', { timeZone: 'UTC', pickerMinLeadSeconds: 2 });
    fireEvent.change(dateInput(), { target: { value: '2026-03-10' } });
    expect(timeInput().step).toBe('1');
    expect(timeInput().min).toBe('10:00:03');
    fireEvent.change(timeInput(), { target: { value: '10:00:02' } });
    expect(screen.getByRole('alert')).toHaveTextContent('at least 2 seconds from now');
    fireEvent.change(timeInput(), { target: { value: '10:00:05' } });
    await user.click(submitButton());
    expect(onSubmit).toHaveBeenCalledWith(new Date('2026-03-10T10:00:05.000Z'));
  });
});
