import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateUserKeys } from '@herald/crypto';
import { FAILURE_TEXT, type ScheduledMessage } from '@herald/shared';
import { unlockWith } from '../../../lib/e2ee';
import { wipeKeyState } from '../../../lib/e2ee/key-state';
import { Toasts } from '../../../components/ui/toasts';
import { useToasts } from '../../../components/ui/toast-store';
import { message, scheduled } from '../../../test-support/fixtures';
import { fakeServer } from '../../../test-support/network';
import { useScheduling } from '../store';
import { ScheduledList } from './scheduled-list';

const C = 'c0000000-0000-4000-8000-000000000001';
const NOW = '2026-03-10T10:00:00Z';

const items = {
  pending: scheduled({ content: 'pending one', scheduledTime: '2026-03-10T13:00:00.000Z' }),
  retrying: scheduled({
    content: 'retrying one',
    scheduledTime: '2026-03-10T09:58:00.000Z',
    retryCount: 2,
    maxRetries: 3,
  }),
  failed: scheduled({
    content: 'failed one',
    status: 'failed',
    failureCode: 'sender_not_member',
    failureReason: FAILURE_TEXT.sender_not_member,
    updatedAt: '2026-03-10T09:00:00.000Z',
  }),
  sent: scheduled({
    content: 'sent one',
    status: 'sent',
    sentAt: '2026-03-10T08:00:00.000Z',
    messageId: 'm0000000-0000-4000-8000-000000000042',
    updatedAt: '2026-03-10T08:00:00.000Z',
  }),
  cancelled: scheduled({ content: 'cancelled one', status: 'cancelled', updatedAt: '2026-03-10T07:00:00.000Z' }),
};

function setup() {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  vi.setSystemTime(new Date(NOW));
  const server = fakeServer().on('GET', '/api/scheduled-messages', () => ({ data: Object.values(items) }));
  const onOpenMessage = vi.fn();
  render(
    <>
      <ScheduledList
        conversationId={C}
        timeZone="UTC"
        pickerMinLeadSeconds={60}
        maxHorizonDays={367}
        onOpenMessage={onOpenMessage}
        recipientOf={() => ({ name: 'Bob', timeZone: 'America/New_York' })}
      />
      <Toasts />
    </>,
  );
  const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime.bind(vi) });
  return { server, user, onOpenMessage };
}

const itemOf = (text: string) => screen.getByText(text).closest('li')!;

beforeEach(async () => {
  useScheduling.setState({ byId: {}, loaded: {}, cancelling: {} });
  useToasts.setState({ toasts: [] });
  // Signed in with keys open (content is read through lib/e2ee; these rows are legacy text).
  await unlockWith('a0000000-0000-4000-8000-000000000001', generateUserKeys());
});
afterEach(() => {
  vi.useRealTimers();
  wipeKeyState();
});

describe('ScheduledList', () => {
  it('shows every status with its badge, time and reason', async () => {
    const { server } = setup();
    await screen.findByText('pending one');
    expect(server.calls[0]!.query.get('conversationId')).toBe(C);

    const pending = itemOf('pending one');
    expect(within(pending).getByText('Pending')).toBeInTheDocument();
    expect(pending).toHaveTextContent('in 3 h');
    for (const action of ['Edit', 'Reschedule', 'Send now', 'Cancel']) {
      expect(within(pending).getByRole('button', { name: action })).toBeInTheDocument();
    }

    const retrying = itemOf('retrying one');
    expect(within(retrying).getByText('Retrying 2/3')).toBeInTheDocument();
    expect(retrying).toHaveTextContent('temporary problem');

    const failed = itemOf('failed one');
    expect(within(failed).getByText('Failed')).toBeInTheDocument();
    expect(failed).toHaveTextContent('You are no longer a member of this group.');
    expect(within(failed).queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(within(failed).getByRole('button', { name: 'Dismiss' })).toBeInTheDocument();

    const sent = itemOf('sent one');
    expect(within(sent).getByText('Sent')).toBeInTheDocument();
    expect(within(sent).getByRole('button', { name: 'View message' })).toBeInTheDocument();

    const cancelled = itemOf('cancelled one');
    expect(within(cancelled).getByText('Cancelled')).toBeInTheDocument();
    // Its time is still ahead: it can come back (issue 13).
    expect(
      within(cancelled)
        .queryAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Restore']);

    // Upcoming first, soonest first; then history.
    expect(
      screen.getAllByRole('listitem').map((li) => li.querySelector('.scheduled-content span')?.textContent?.trim()),
    ).toEqual(['retrying one', 'pending one', 'failed one', 'sent one', 'cancelled one']);
  });

  it('falls back to the catalogue text when the server sends only the failure code', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    fakeServer().on('GET', '/api/scheduled-messages', () => ({
      data: [scheduled({ content: 'x', status: 'failed', failureCode: 'recipient_unavailable', failureReason: null })],
    }));
    render(<ScheduledList timeZone="UTC" pickerMinLeadSeconds={60} maxHorizonDays={367} onOpenMessage={() => {}} />);
    expect(await screen.findByText(FAILURE_TEXT.recipient_unavailable)).toBeInTheDocument();
  });

  it('"View message" jumps to the delivered message', async () => {
    const { user, onOpenMessage } = setup();
    await screen.findByText('sent one');
    await user.click(within(itemOf('sent one')).getByRole('button', { name: 'View message' }));
    expect(onOpenMessage).toHaveBeenCalledWith(C, items.sent.messageId);
  });

  it('reschedules through the schedule dialog', async () => {
    const { server, user } = setup();
    server.on('PUT', `/api/scheduled-messages/${items.pending.id}`, (call) => ({
      data: { ...items.pending, ...(call.body as object), version: 2, updatedAt: '2026-03-10T10:00:01.000Z' },
    }));
    await screen.findByText('pending one');
    await user.click(within(itemOf('pending one')).getByRole('button', { name: 'Reschedule' }));
    const dialog = screen.getByRole('dialog', { name: 'Reschedule' });
    expect(within(dialog).getByLabelText('Time')).toHaveValue('13:00');
    await user.click(within(dialog).getByRole('button', { name: /^Tomorrow 9:00/ }));
    expect(within(dialog).getByTestId('recipient-time')).toHaveTextContent(/For Bob it will be 5:00\sAM/);
    await user.click(within(dialog).getByRole('button', { name: 'Reschedule' }));
    expect(server.callsTo('PUT', `/api/scheduled-messages/${items.pending.id}`)[0]!.body).toEqual({
      scheduledTime: '2026-03-11T09:00:00.000Z',
      version: 1,
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(itemOf('pending one')).toHaveTextContent('in 23 h');
  });

  it('sends now', async () => {
    const { server, user } = setup();
    server.on('POST', `/api/scheduled-messages/${items.pending.id}/send-now`, () => ({
      data: {
        scheduledMessage: {
          ...items.pending,
          status: 'sent',
          sentAt: NOW,
          messageId: 'm1',
          updatedAt: '2026-03-10T10:00:01.000Z',
        },
        message: message(),
      },
    }));
    await screen.findByText('pending one');
    await user.click(within(itemOf('pending one')).getByRole('button', { name: 'Send now' }));
    expect(await within(itemOf('pending one')).findByText('Sent')).toBeInTheDocument();
    expect(server.callsTo('POST', `/api/scheduled-messages/${items.pending.id}/send-now`)).toHaveLength(1);
  });

  it('cancels with an Undo toast: undo sends nothing; otherwise the DELETE goes out after the window', async () => {
    const { server, user } = setup();
    server.on('DELETE', `/api/scheduled-messages/${items.pending.id}`, () => ({
      data: {
        ...items.pending,
        status: 'cancelled',
        cancelledAt: NOW,
        updatedAt: '2026-03-10T10:00:09.000Z',
      } satisfies ScheduledMessage,
    }));
    await screen.findByText('pending one');
    await user.click(within(itemOf('pending one')).getByRole('button', { name: 'Cancel' }));
    expect(within(itemOf('pending one')).getByText('Cancelling…')).toBeInTheDocument();
    expect(within(itemOf('pending one')).queryByRole('button', { name: 'Send now' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(within(itemOf('pending one')).getByText('Pending')).toBeInTheDocument();
    act(() => {
      vi.advanceTimersByTime(10_000);
    });
    expect(server.callsTo('DELETE', `/api/scheduled-messages/${items.pending.id}`)).toHaveLength(0);

    await user.click(within(itemOf('pending one')).getByRole('button', { name: 'Cancel' }));
    act(() => {
      vi.advanceTimersByTime(5_000);
    });
    await act(async () => {});
    expect(await within(itemOf('pending one')).findByText('Cancelled')).toBeInTheDocument();
    expect(server.callsTo('DELETE', `/api/scheduled-messages/${items.pending.id}`)).toHaveLength(1);
  });

  it('dismisses a failure', async () => {
    const { server, user } = setup();
    server.on('POST', `/api/scheduled-messages/${items.failed.id}/dismiss`, () => ({ data: null }));
    await screen.findByText('failed one');
    await user.click(within(itemOf('failed one')).getByRole('button', { name: 'Dismiss' }));
    await vi.waitFor(() => expect(screen.queryByText('failed one')).toBeNull());
  });

  it('updates live from scheduled_message_* events (through the store)', async () => {
    setup();
    await screen.findByText('pending one');
    act(() => {
      useScheduling
        .getState()
        .upsert({ ...items.pending, content: 'edited elsewhere', version: 2, updatedAt: '2026-03-10T10:00:01.000Z' });
    });
    expect(await screen.findByText('edited elsewhere')).toBeInTheDocument();
    act(() => {
      useScheduling.getState().upsert({
        ...items.pending,
        content: 'edited elsewhere',
        status: 'failed',
        failureCode: 'conversation_deleted',
        failureReason: FAILURE_TEXT.conversation_deleted,
        version: 2,
        updatedAt: '2026-03-10T10:00:02.000Z',
      });
    });
    const item = itemOf('edited elsewhere');
    expect(within(item).getByText('Failed')).toBeInTheDocument();
    expect(item).toHaveTextContent(FAILURE_TEXT.conversation_deleted);
    act(() => {
      useScheduling
        .getState()
        .upsert(scheduled({ content: 'created on my phone', scheduledTime: '2026-03-10T11:00:00.000Z' }));
    });
    expect(await screen.findByText('created on my phone')).toBeInTheDocument();
  });
});
