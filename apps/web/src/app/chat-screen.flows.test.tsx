import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EncryptedMedia, MediaInfo, Message, ScheduledMessage } from '@herald/shared';
import { Toasts } from '../components/ui/toasts';
import { useAuth } from '../features/auth/store';
import { useConversations } from '../features/conversations/store';
import { useMedia } from '../features/media/store';
import { useMessages } from '../features/messages/store';
import { useScheduling } from '../features/scheduling/store';
import { openContent } from '../lib/e2ee';
import { conversation, message, scheduled, selfUser, user } from '../test-support/fixtures';
import { keyed, signInWithKeys } from '../test-support/e2ee';
import { fakeServer } from '../test-support/network';
import ChatScreen from './chat-screen';
import { DEFAULT_CONFIG, useConfig } from './config';
import { applyIncomingMessage } from './realtime';

const C = 'c0000000-0000-4000-8000-000000000001';
const ME = selfUser({ id: 'a0000000-0000-4000-8000-000000000001' as never, displayName: 'Alice', timeZone: 'UTC' });
const BOB = user({ id: 'b0000000-0000-4000-8000-0000000000b0' as never, displayName: 'Bob', username: 'bob' });
const SAME_SECOND = '2026-03-10T09:00:00.000Z';
const meKeyed = keyed(ME.id);
const bobKeyed = keyed(BOB.id);

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
  for (const [name, value] of [
    ['offsetHeight', 600],
    ['clientHeight', 600],
    ['clientWidth', 400],
    ['offsetWidth', 400],
  ] as const) {
    vi.spyOn(HTMLElement.prototype, name, 'get').mockReturnValue(value);
  }
}

/** A chat with Bob whose timeline is not loaded yet: opening it fetches the latest page. */
async function open(page: Message[]) {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  vi.setSystemTime(new Date('2026-03-10T10:00:00Z'));
  useAuth.setState({ status: 'signed-in', me: ME });
  useConfig.setState({ config: DEFAULT_CONFIG });
  const members = [
    { user: ME, role: 'member' as const, joinedAt: '2026-03-01T00:00:00.000Z' },
    { user: BOB, role: 'member' as const, joinedAt: '2026-03-01T00:00:00.000Z' },
  ];
  useConversations.setState({ byId: { [C]: conversation({ id: C as never, members }) }, loaded: true });
  const server = fakeServer();
  await signInWithKeys(server, meKeyed, { [C]: [meKeyed, bobKeyed] });
  server.on('GET', `/api/conversations/${C}/messages`, () => ({ data: { messages: page, nextCursor: null } }));
  render(
    <>
      <ChatScreen conversationId={C} panel={null} focusMessageId={null} />
      <Toasts />
    </>,
  );
  const u = userEvent.setup({ advanceTimers: vi.advanceTimersByTime.bind(vi) });
  return { server, user: u };
}

/** The words of the bubbles on screen, top to bottom. */
const bubbleTexts = () =>
  [...document.querySelectorAll('.msg-text')].map((el) => el.firstChild?.textContent ?? el.textContent);
const box = () => screen.getByRole('textbox', { name: 'Message' });

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('chat screen: opening a chat and sending', () => {
  it('shows a delivery batch (one createdAt, random ids) in seq order', async () => {
    withLayout();
    // A page comes newest first; the ids would put them in another order.
    const page = [
      message({
        id: 'ffffffff-0000-4000-8000-000000000001' as never,
        seq: 30,
        content: 'third',
        createdAt: SAME_SECOND,
      }),
      message({
        id: '00000000-0000-4000-8000-000000000002' as never,
        seq: 20,
        content: 'second',
        createdAt: SAME_SECOND,
      }),
      message({
        id: '88888888-0000-4000-8000-000000000003' as never,
        seq: 10,
        content: 'first',
        createdAt: SAME_SECOND,
      }),
    ];
    const { server } = await open(page);
    await vi.waitFor(() => expect(bubbleTexts()).toEqual(['first', 'second', 'third']));
    expect(server.callsTo('GET', `/api/conversations/${C}/messages`)).toHaveLength(1);
  });

  it('a sent message appears once, after the others, and its socket echo changes nothing', async () => {
    withLayout();
    const { server, user } = await open([
      message({ seq: 10, content: 'Dinner?', senderId: BOB.id, createdAt: SAME_SECOND }),
    ]);
    let sent: Message | undefined;
    server.on('POST', `/api/conversations/${C}/messages`, (call) => {
      const body = call.body as { clientId: string; content: string };
      sent = message({ clientId: body.clientId, content: body.content, senderId: ME.id, seq: 11 });
      return { status: 201, data: sent };
    });
    await vi.waitFor(() => expect(bubbleTexts()).toEqual(['Dinner?']));
    await user.type(box(), 'Yes!{Enter}');
    await vi.waitFor(() => expect(useMessages.getState().timelines[C]!.messages.map((m) => m.id)).toContain(sent?.id));
    await vi.waitFor(() => expect(bubbleTexts()).toEqual(['Dinner?', 'Yes!']));
    expect(useConversations.getState().byId[C]!.lastMessage?.id).toBe(sent!.id);

    // The server also sends it to my own devices, this one included: nothing changes, nothing renders.
    const timelines = useMessages.getState().timelines;
    const conversations = useConversations.getState().byId;
    act(() => applyIncomingMessage({ ...sent! }, ME.id));
    expect(useMessages.getState().timelines).toBe(timelines);
    expect(useConversations.getState().byId).toBe(conversations);
    expect(bubbleTexts()).toEqual(['Dinner?', 'Yes!']);
    expect(server.callsTo('POST', `/api/conversations/${C}/messages`)).toHaveLength(1);
  });
});

describe('chat screen: send and schedule share one attachment path', () => {
  const INFO: MediaInfo = {
    id: 'd0000000-0000-4000-8000-000000000001' as never,
    kind: 'image',
    mimeType: 'image/png',
    size: 10,
  };
  const SEALED: EncryptedMedia = {
    key: 'A'.repeat(43),
    sha256: 'B'.repeat(43),
    mimeType: 'image/png',
    size: 10,
    chunkSize: 65536,
  };
  const png = () => new File([new Uint8Array(10)], 'cat.png', { type: 'image/png' });

  it('uploads the encrypted file the same way, and both bodies carry the same media fields', async () => {
    const { server, user } = await open([]);
    const upload = vi.fn(async () => {
      useMedia.getState().clearAttachment(C);
      return { info: INFO, media: SEALED };
    });
    useMedia.setState({ uploadAttachment: upload });
    server.on('POST', '/api/scheduled-messages', (call) => {
      const body = call.body as { content: string; scheduledTime: string };
      const created: ScheduledMessage = scheduled({ content: body.content, scheduledTime: body.scheduledTime });
      return { status: 201, data: created };
    });
    server.on('POST', `/api/conversations/${C}/messages`, (call) => {
      const body = call.body as { clientId: string; content: string };
      return { status: 201, data: message({ clientId: body.clientId, content: body.content, senderId: ME.id }) };
    });

    // Scheduled: a photo, one-time.
    await user.upload(screen.getByTestId('attach-input'), png());
    act(() => useMedia.getState().setOneTime(C, true));
    await user.type(box(), 'Later');
    await user.click(screen.getByRole('button', { name: 'Schedule options' }));
    await user.click(screen.getByRole('menuitem', { name: 'Schedule message…' }));
    const dialog = screen.getByRole('dialog', { name: 'Schedule message' });
    await user.click(within(dialog).getByRole('button', { name: /^Tomorrow 9:00/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Schedule' }));
    await vi.waitFor(() => expect(server.callsTo('POST', '/api/scheduled-messages')).toHaveLength(1));

    // Live: the same photo, one-time.
    await user.upload(screen.getByTestId('attach-input'), png());
    act(() => useMedia.getState().setOneTime(C, true));
    await user.type(box(), 'Now{Enter}');
    await vi.waitFor(() => expect(server.callsTo('POST', `/api/conversations/${C}/messages`)).toHaveLength(1));

    expect(upload).toHaveBeenCalledTimes(2);
    expect(upload).toHaveBeenNthCalledWith(1, C);
    expect(upload).toHaveBeenNthCalledWith(2, C);
    const fields = { contentType: 'image', mediaId: INFO.id, isOneTimeMedia: true, viewLimit: 1 };
    const later = server.callsTo('POST', '/api/scheduled-messages')[0]!.body as { content: string };
    const now = server.callsTo('POST', `/api/conversations/${C}/messages`)[0]!.body as { content: string };
    expect(later).toMatchObject(fields);
    expect(now).toMatchObject(fields);
    // Inside the envelopes: the words and the file's secrets, never the file.
    for (const [body, text] of [
      [later, 'Later'],
      [now, 'Now'],
    ] as const) {
      const opened = await openContent({
        id: `probe-${text}`,
        conversationId: C,
        senderId: ME.id,
        content: body.content,
      });
      expect(opened).toMatchObject({ state: 'opened', text, media: SEALED });
    }
  });
});

describe('chat screen: "N scheduled" has one source', () => {
  it('the bar and the clock badge show the conversation count; a loaded list is not counted', async () => {
    await open([]);
    act(() => useConversations.setState((s) => ({ byId: { [C]: { ...s.byId[C]!, scheduledPendingCount: 2 } } })));
    const badge = () =>
      screen.getByRole('button', { name: 'Scheduled messages' }).querySelector('.icon-btn-badge')?.textContent;
    expect(screen.getByRole('button', { name: /2 scheduled/ })).toBeInTheDocument();
    expect(badge()).toBe('2');
    // A list loaded for this chat is not a change: only live events and my own actions move it.
    act(() => {
      for (let i = 0; i < 3; i += 1) useScheduling.getState().upsert(scheduled(), 'load');
    });
    expect(screen.getByRole('button', { name: /2 scheduled/ })).toBeInTheDocument();
    expect(badge()).toBe('2');
  });
});
