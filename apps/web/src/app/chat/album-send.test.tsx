import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EncryptedMedia, MediaInfo, Message, ScheduledMessage } from '@herald/shared';
import { Toasts } from '../../components/ui/toasts';
import { useAuth } from '../../features/auth/store';
import { useConversations } from '../../features/conversations/store';
import { useMedia } from '../../features/media/store';
import { openContent } from '../../lib/e2ee';
import { conversation, message, scheduled, selfUser, user } from '../../test-support/fixtures';
import { keyed, signInWithKeys } from '../../test-support/e2ee';
import { fakeServer } from '../../test-support/network';
import ChatScreen from '../chat-screen';
import { DEFAULT_CONFIG, useConfig } from '../config';

const C = 'c0000000-0000-4000-8000-000000000001';
const ME = selfUser({ id: 'a0000000-0000-4000-8000-000000000001' as never, displayName: 'Alice', timeZone: 'UTC' });
const BOB = user({ id: 'b0000000-0000-4000-8000-0000000000b0' as never, displayName: 'Bob', username: 'bob' });
const meKeyed = keyed(ME.id);
const bobKeyed = keyed(BOB.id);
const SEALED: EncryptedMedia = {
  key: 'A'.repeat(43),
  sha256: 'B'.repeat(43),
  mimeType: 'image/png',
  size: 10,
  chunkSize: 65536,
};
const png = (name: string) => new File([new Uint8Array(10)], name, { type: 'image/png' });

async function open() {
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
  server.on('GET', `/api/conversations/${C}/messages`, () => ({ data: { messages: [], nextCursor: null } }));
  // Every upload is a different stored file (its id names the picked file's place).
  let uploads = 0;
  const upload = vi.fn(async (_conversationId: string, _index?: number) => {
    uploads += 1;
    const info: MediaInfo = {
      id: `d0000000-0000-4000-8000-00000000000${uploads}` as never,
      kind: 'image',
      mimeType: 'image/png',
      size: 10,
    };
    return { info, media: SEALED };
  });
  useMedia.setState({ uploadAttachment: upload, attachments: {} });
  render(
    <>
      <ChatScreen conversationId={C} panel={null} focusMessageId={null} />
      <Toasts />
    </>,
  );
  const u = userEvent.setup({ advanceTimers: vi.advanceTimersByTime.bind(vi) });
  return { server, user: u, upload };
}

async function opened(content: string, i: number) {
  return openContent({ id: `probe-${i}-${content.length}`, conversationId: C, senderId: ME.id, content });
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('sending an album', () => {
  it('sends three files as three messages sharing an album id, the caption with the first', async () => {
    const { server, user } = await open();
    server.on('POST', `/api/conversations/${C}/messages`, (call) => {
      const body = call.body as { clientId: string; content: string; mediaId: string };
      return {
        status: 201,
        data: message({
          clientId: body.clientId,
          content: body.content,
          senderId: ME.id,
          conversationId: C as never,
          contentType: 'image',
        }),
      };
    });
    await user.upload(screen.getByTestId('attach-input'), [png('a.png'), png('b.png'), png('c.png')]);
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Trip{Enter}');
    await vi.waitFor(() => expect(server.callsTo('POST', `/api/conversations/${C}/messages`)).toHaveLength(3));
    const bodies = server
      .callsTo('POST', `/api/conversations/${C}/messages`)
      .map((c) => c.body as Message & { mediaId: string });
    // The server sees three ordinary media messages, in order.
    expect(bodies.map((b) => b.mediaId)).toEqual([
      'd0000000-0000-4000-8000-000000000001',
      'd0000000-0000-4000-8000-000000000002',
      'd0000000-0000-4000-8000-000000000003',
    ]);
    expect(JSON.stringify(bodies)).not.toContain('album');
    const plain = await Promise.all(bodies.map((b, i) => opened(b.content, i)));
    const albums = plain.map((p) => (p.state === 'opened' ? p.album : undefined));
    expect(plain.map((p) => (p.state === 'opened' ? p.text : null))).toEqual(['Trip', '', '']);
    expect(albums.map((a) => [a?.index, a?.count])).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    expect(new Set(albums.map((a) => a?.id)).size).toBe(1);
    expect(useMedia.getState().attachments[C]).toBeUndefined();
  });

  it('schedules an album as N scheduled messages at the same time', async () => {
    const { server, user } = await open();
    server.on('POST', '/api/scheduled-messages', (call) => {
      const body = call.body as { content: string; scheduledTime: string };
      const created: ScheduledMessage = scheduled({ content: body.content, scheduledTime: body.scheduledTime });
      return { status: 201, data: created };
    });
    await user.upload(screen.getByTestId('attach-input'), [png('a.png'), png('b.png')]);
    await user.click(screen.getByRole('button', { name: 'Schedule options' }));
    await user.click(screen.getByRole('menuitem', { name: 'Schedule message…' }));
    const dialog = screen.getByRole('dialog', { name: 'Schedule message' });
    expect(within(dialog).getByText(/📷 2 photos/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: /^Tomorrow 9:00/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Schedule' }));
    await vi.waitFor(() => expect(server.callsTo('POST', '/api/scheduled-messages')).toHaveLength(2));
    const bodies = server
      .callsTo('POST', '/api/scheduled-messages')
      .map((c) => c.body as { content: string; scheduledTime: string });
    expect(new Set(bodies.map((b) => b.scheduledTime)).size).toBe(1);
    const plain = await Promise.all(bodies.map((b, i) => opened(b.content, 10 + i)));
    const albums = plain.map((p) => (p.state === 'opened' ? p.album : undefined));
    expect(albums.map((a) => a?.index)).toEqual([0, 1]);
    expect(albums[0]?.id).toBe(albums[1]?.id);
  });
});
