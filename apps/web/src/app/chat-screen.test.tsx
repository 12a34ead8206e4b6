import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Message, ScheduledMessage } from '@herald/shared';
import { Toasts } from '../components/ui/toasts';
import { useToasts } from '../components/ui/toast-store';
import { useAuth } from '../features/auth/store';
import { useConversations } from '../features/conversations/store';
import { useMedia } from '../features/media/store';
import { useMessages } from '../features/messages/store';
import { useScheduling } from '../features/scheduling/store';
import { conversation, message, scheduled, selfUser, user } from '../test-support/fixtures';
import { fakeServer } from '../test-support/network';
import { keyed, signInWithKeys } from '../test-support/e2ee';
import { openContent } from '../lib/e2ee';
import ChatScreen from './chat-screen';
import { DEFAULT_CONFIG, useConfig } from './config';

const C = 'c0000000-0000-4000-8000-000000000001';
const ME = selfUser({ id: 'a0000000-0000-4000-8000-000000000001' as never, displayName: 'Alice', timeZone: 'UTC' });
const BOB = user({ id: 'b0000000-0000-4000-8000-0000000000b0' as never, displayName: 'Bob', username: 'bob' });
const ORIGINAL = message({
  id: 'm0000000-0000-4000-8000-0000000000f1' as never,
  senderId: BOB.id,
  content: 'Dinner on Friday?',
  createdAt: '2026-03-10T09:00:00.000Z',
});

const meKeyed = keyed(ME.id);
const bobKeyed = keyed(BOB.id);

/** What an envelope the screen sent says, opened with my keys. */
async function opened(content: string): Promise<string> {
  const result = await openContent({ id: `probe-${Math.random()}`, conversationId: C, senderId: ME.id, content });
  return result.state === 'opened' ? result.text : result.state;
}

async function setup(maxTextLength = 1000) {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  vi.setSystemTime(new Date('2026-03-10T10:00:00Z'));
  useAuth.setState({ status: 'signed-in', me: ME });
  useConfig.setState({ config: { ...DEFAULT_CONFIG, maxTextLength } });
  useConversations.setState({
    byId: {
      [C]: conversation({
        id: C as never,
        members: [
          { user: ME, role: 'member', joinedAt: '2026-03-01T00:00:00.000Z' },
          { user: BOB, role: 'member', joinedAt: '2026-03-01T00:00:00.000Z' },
        ],
      }),
    },
    loaded: true,
    presence: {},
    typing: {},
  });
  useMessages.setState({
    timelines: { [C]: { messages: [ORIGINAL], nextCursor: null, loaded: true, loadingOlder: false, error: null } },
    drafts: {},
    replyTo: {},
    refusals: {},
  });
  useMedia.setState({ loaded: {}, attachments: {} });
  useScheduling.setState({ byId: {}, loaded: {}, cancelling: {} });
  useToasts.setState({ toasts: [] });
  const server = fakeServer();
  await signInWithKeys(server, meKeyed, { [C]: [meKeyed, bobKeyed] });
  render(
    <>
      <ChatScreen conversationId={C} panel={null} focusMessageId={null} />
      <Toasts />
    </>,
  );
  const u = userEvent.setup({ advanceTimers: vi.advanceTimersByTime.bind(vi) });
  return { server, user: u };
}

const box = () => screen.getByRole('textbox', { name: 'Message' });
/** The send button's schedule menu (issue 13: one Send button; the clock beside the emoji went). */
const sendOptions = () => screen.getByRole('button', { name: 'Schedule options' });
const scheduleItem = () => screen.getByRole('menuitem', { name: 'Schedule message…' });
async function openScheduleDialog(user: ReturnType<typeof userEvent.setup>) {
  await user.click(sendOptions());
  await user.click(scheduleItem());
}

afterEach(() => vi.useRealTimers());
beforeEach(() => vi.restoreAllMocks());

describe('chat screen: scheduling only what can be sent (item 20)', () => {
  it('the send menu says why it cannot schedule an empty message, and opens no dialog', async () => {
    const { user, server } = await setup();
    await user.click(sendOptions());
    expect(scheduleItem()).toHaveAttribute('aria-disabled', 'true');
    await user.click(scheduleItem());
    expect(screen.queryByRole('dialog', { name: 'Schedule message' })).toBeNull();
    expect(screen.getByRole('status')).toHaveTextContent('Write a message or attach a photo or video to schedule it.');
    await user.type(box(), '   ');
    await user.click(sendOptions());
    expect(scheduleItem()).toHaveAttribute('aria-disabled', 'true');
    await user.keyboard('{Escape}');
    await user.type(box(), 'See you');
    await user.click(sendOptions());
    expect(scheduleItem()).not.toHaveAttribute('aria-disabled');
    await user.click(scheduleItem());
    expect(screen.getByRole('dialog', { name: 'Schedule message' })).toBeInTheDocument();
    // Nothing was sent (opening the chat only fetched its members' keys, ahead of a send).
    expect(server.calls.filter((c) => c.method !== 'GET')).toHaveLength(0);
  }, 15_000);

  it('the dialog never submits an empty message', async () => {
    const { user, server } = await setup();
    await user.type(box(), 'x');
    await openScheduleDialog(user);
    const dialog = screen.getByRole('dialog', { name: 'Schedule message' });
    // The draft is emptied behind the dialog's back (another tab, an extension): still nothing goes out.
    act(() => useMessages.getState().setDraft(C, '  '));
    await user.click(within(dialog).getByRole('button', { name: /^Tomorrow 9:00/ }));
    expect(within(dialog).getByRole('button', { name: 'Schedule' })).toBeDisabled();
    expect(within(dialog).getByTestId('schedule-content-problem')).toHaveTextContent(
      'Write a message or attach a photo or video first.',
    );
    expect(server.callsTo('POST', '/api/scheduled-messages')).toHaveLength(0);
  });
});

describe('chat screen: replies (item 18)', () => {
  it('a scheduled reply keeps its link, and the composer stops replying afterwards', async () => {
    const { user, server } = await setup();
    let created: ScheduledMessage | undefined;
    server.on('POST', '/api/scheduled-messages', (call) => {
      const body = call.body as { content: string; replyToId?: string; scheduledTime: string };
      created = scheduled({
        content: body.content,
        replyToId: (body.replyToId ?? null) as ScheduledMessage['replyToId'],
        scheduledTime: body.scheduledTime,
      });
      return { status: 201, data: created };
    });
    act(() => useMessages.getState().setReplyTo(C, ORIGINAL.id));
    expect(screen.getByText('Replying to Bob')).toBeInTheDocument();
    await user.type(box(), 'Yes, 8 pm');
    await openScheduleDialog(user);
    const dialog = screen.getByRole('dialog', { name: 'Schedule message' });
    expect(within(dialog).getByText(/Replying to/)).toHaveTextContent('Replying to Bob: Dinner on Friday?');
    await user.click(within(dialog).getByRole('button', { name: /^Tomorrow 9:00/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Schedule' }));
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const sealed = server.callsTo('POST', '/api/scheduled-messages')[0]!.body as { content: string };
    expect(sealed).toMatchObject({ replyToId: ORIGINAL.id });
    expect(await opened(sealed.content)).toBe('Yes, 8 pm');
    expect(screen.queryByText('Replying to Bob')).toBeNull();
    expect(box()).toHaveValue('');

    // The next live message is not an accidental reply.
    server.on('POST', `/api/conversations/${C}/messages`, (call) => {
      const body = call.body as { clientId: string; content: string };
      return { status: 201, data: message({ clientId: body.clientId, content: body.content, senderId: ME.id }) };
    });
    await user.type(box(), 'Unrelated{Enter}');
    await vi.waitFor(() => expect(server.callsTo('POST', `/api/conversations/${C}/messages`)).toHaveLength(1));
    expect(server.callsTo('POST', `/api/conversations/${C}/messages`)[0]!.body).not.toHaveProperty('replyToId');

    // Undo right after scheduling brings back the words and the reply.
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(box()).toHaveValue('Yes, 8 pm');
    expect(screen.getByText('Replying to Bob')).toBeInTheDocument();
  }, 15_000);

  it('a live reply resets the composer too', async () => {
    const { user, server } = await setup();
    server.on('POST', `/api/conversations/${C}/messages`, (call) => {
      const body = call.body as { clientId: string; content: string; replyToId?: string };
      return {
        status: 201,
        data: message({
          clientId: body.clientId,
          content: body.content,
          senderId: ME.id,
          replyToId: (body.replyToId ?? null) as Message['replyToId'],
        }),
      };
    });
    act(() => useMessages.getState().setReplyTo(C, ORIGINAL.id));
    await user.type(box(), 'Sure{Enter}');
    await vi.waitFor(() => expect(server.callsTo('POST', `/api/conversations/${C}/messages`)).toHaveLength(1));
    expect(server.callsTo('POST', `/api/conversations/${C}/messages`)[0]!.body).toMatchObject({
      replyToId: ORIGINAL.id,
    });
    expect(screen.queryByText('Replying to Bob')).toBeNull();
  });
});

describe('chat screen: an over-long message (item 19)', () => {
  it('shows the limit as it nears, refuses to send or schedule over it, and says so in a sentence', async () => {
    const { user, server } = await setup(200);
    await user.click(box());
    await user.paste('a'.repeat(150));
    expect(screen.getByTestId('composer-limit')).toHaveTextContent('50 characters left.');
    await user.paste('b'.repeat(60));
    expect(screen.getByTestId('composer-limit')).toHaveTextContent(
      'This message is 10 characters too long (the limit is 200). Shorten it or split it into several messages.',
    );
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    await user.click(sendOptions());
    expect(scheduleItem()).toHaveAttribute('aria-disabled', 'true');
    await user.keyboard('{Escape}');
    await user.click(box());
    await user.keyboard('{Enter}');
    expect(server.callsTo('POST', `/api/conversations/${C}/messages`)).toHaveLength(0);
    expect(box()).toHaveValue(`${'a'.repeat(150)}${'b'.repeat(60)}`);
  });

  it('a refusal puts the words back in the composer with a sentence, never raw validator text', async () => {
    const { user, server } = await setup(16_000);
    server.on('POST', `/api/conversations/${C}/messages`, () => ({
      status: 400,
      error: {
        code: 'validation_failed',
        message: 'Invalid body: content: Too big: expected string to have <=65536 characters',
        details: [{ path: 'content', message: 'Too big: expected string to have <=65536 characters' }],
      },
    }));
    act(() => useMessages.getState().setReplyTo(C, ORIGINAL.id));
    const long = 'x'.repeat(15_000);
    await user.click(box());
    await user.paste(long);
    await user.keyboard('{Enter}');
    await vi.waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent('Not sent: This message is too long to send.'),
    );
    expect(document.body.textContent).not.toMatch(/Invalid body|Too big/);
    expect(box()).toHaveValue(long);
    expect(screen.getByText('Replying to Bob')).toBeInTheDocument();
    // No bubble left behind with a Retry that cannot succeed.
    expect(useMessages.getState().timelines[C]!.messages.map((m) => m.id)).toEqual([ORIGINAL.id]);
  });
});

describe('chat screen: undo right after scheduling', () => {
  it('is too late once the message went out: the words do not come back and nothing is cancelled', async () => {
    const { user, server } = await setup();
    let created: ScheduledMessage | undefined;
    server.on('POST', '/api/scheduled-messages', (call) => {
      const body = call.body as { content: string; scheduledTime: string };
      created = scheduled({ content: body.content, scheduledTime: body.scheduledTime });
      return { status: 201, data: created };
    });
    await user.type(box(), 'Soon');
    await openScheduleDialog(user);
    const dialog = screen.getByRole('dialog', { name: 'Schedule message' });
    await user.click(within(dialog).getByRole('button', { name: /^Tomorrow 9:00/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Schedule' }));
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    act(() =>
      useScheduling
        .getState()
        .upsert({ ...created!, status: 'sent', version: 2, updatedAt: '2026-03-10T10:00:05.000Z' }),
    );
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(box()).toHaveValue('');
    expect(screen.getByText('Too late to undo: the message was already sent.')).toBeInTheDocument();
    expect(server.callsTo('DELETE', /\/api\/scheduled-messages\//)).toHaveLength(0);
  });
});
