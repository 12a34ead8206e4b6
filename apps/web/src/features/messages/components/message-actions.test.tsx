import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '@herald/shared';
import { openContent } from '../../../lib/e2ee';
import { keyed, signInWithKeys } from '../../../test-support/e2ee';
import { message } from '../../../test-support/fixtures';
import { fakeServer } from '../../../test-support/network';
import { useMessageChanges } from '../changes';
import type { TimelineMessage } from '../merge';
import { useMessages } from '../store';
import { MessageBubble } from './message-bubble';

const C = 'c0000000-0000-4000-8000-000000000001';
const ME = 'a0000000-0000-4000-8000-000000000001';
const BOB = 'b0000000-0000-4000-8000-000000000002';
const me = keyed(ME);
const bob = keyed(BOB);
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

function bubble(m: TimelineMessage) {
  return render(
    <MessageBubble
      message={m}
      mine={m.senderId === ME}
      senderName={null}
      timeZone="UTC"
      myId={ME}
      replyTo={null}
      highlighted={false}
      media={null}
      onReply={() => {}}
      onReact={() => {}}
      onRetry={() => {}}
      onDiscard={() => {}}
    />,
  );
}

/** The bubble as the store holds it: re-rendered on every change, as the timeline does. */
function LiveBubble({ id }: { id: string }) {
  const m = useMessages((s) => s.timelines[C]?.messages.find((x) => x.id === id));
  return m ? (
    <MessageBubble
      message={m}
      mine={m.senderId === ME}
      senderName={null}
      timeZone="UTC"
      myId={ME}
      replyTo={null}
      highlighted={false}
      media={null}
      onReply={() => {}}
      onReact={() => {}}
      onRetry={() => {}}
      onDiscard={() => {}}
    />
  ) : (
    <p>gone</p>
  );
}

beforeEach(() => {
  useMessages.setState({ timelines: {}, drafts: {}, replyTo: {}, refusals: {} });
  useMessageChanges.getState().close();
});

describe('the message menu', () => {
  it('offers Edit and Delete on my recent message, only Delete on someone else’s or an old one', async () => {
    const mine = message({
      conversationId: C as Message['conversationId'],
      senderId: ME as Message['senderId'],
      createdAt: minutesAgo(5),
    });
    const view = bubble(mine);
    await userEvent.click(screen.getByRole('button', { name: 'More actions' }));
    const menu = screen.getByRole('menu', { name: 'Message actions' });
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((i) => i.textContent),
    ).toEqual(['Edit', 'Delete…']);
    // Escape closes it.
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    view.unmount();

    const theirs = message({ senderId: BOB as Message['senderId'], createdAt: minutesAgo(5) });
    const other = bubble(theirs);
    await userEvent.click(screen.getByRole('button', { name: 'More actions' }));
    expect(screen.getAllByRole('menuitem').map((i) => i.textContent)).toEqual(['Delete…']);
    other.unmount();

    const old = message({ senderId: ME as Message['senderId'], createdAt: minutesAgo(49 * 60) });
    bubble(old);
    await userEvent.click(screen.getByRole('button', { name: 'More actions' }));
    expect(screen.getAllByRole('menuitem').map((i) => i.textContent)).toEqual(['Delete…']);
  }, 20_000);

  it('opens on a right click (a long press on touch screens)', async () => {
    bubble(message({ senderId: ME as Message['senderId'], createdAt: minutesAgo(1), content: 'right click me' }));
    await userEvent.pointer({ keys: '[MouseRight]', target: screen.getByText('right click me') });
    expect(screen.getByRole('menu', { name: 'Message actions' })).toBeInTheDocument();
  }, 20_000);
});

describe('edited and deleted messages', () => {
  it('marks an edited message "edited" beside the time', () => {
    bubble(message({ content: 'fixed', editedAt: minutesAgo(1), createdAt: minutesAgo(3) }));
    expect(screen.getByText('edited')).toHaveClass('msg-edited');
  }, 20_000);

  it('shows a tombstone in italics: no text, no reactions, no reply', () => {
    bubble(
      message({
        content: '',
        deletedAt: minutesAgo(1),
        reactions: [{ userId: BOB as Message['senderId'], emoji: '👍' }],
      }),
    );
    expect(screen.getByText('This message was deleted')).toHaveClass('msg-deleted');
    expect(screen.queryByRole('button', { name: 'Reply' })).toBeNull();
    expect(screen.queryByRole('button', { name: /👍/ })).toBeNull();
    expect(screen.queryByText('edited')).toBeNull();
  }, 20_000);
});

describe('editing', () => {
  it('edits in place under an "Editing" bar: Escape cancels, Enter seals and saves for the members', async () => {
    const server = fakeServer();
    await signInWithKeys(server, me, { [C]: [me, bob] });
    const original = message({
      conversationId: C as Message['conversationId'],
      senderId: ME as Message['senderId'],
      content: 'helo',
      createdAt: minutesAgo(2),
    });
    useMessages.getState().receive(original);
    let sealed = '';
    server.on('PATCH', `/api/messages/${original.id}`, (call) => {
      sealed = (call.body as { content: string }).content;
      return { data: { ...original, content: sealed, editedAt: new Date().toISOString() } };
    });
    render(<LiveBubble id={original.id} />);

    await userEvent.click(screen.getByRole('button', { name: 'More actions' }));
    await userEvent.click(screen.getByRole('menuitem', { name: 'Edit' }));
    const form = screen.getByRole('form', { name: 'Edit message' });
    expect(within(form).getByText('Editing')).toBeInTheDocument();
    const field = within(form).getByRole('textbox', { name: 'Message text' });
    expect(field).toHaveFocus();
    expect(field).toHaveValue('helo');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('form', { name: 'Edit message' })).toBeNull();
    expect(server.callsTo('PATCH', `/api/messages/${original.id}`)).toHaveLength(0);

    await userEvent.click(screen.getByRole('button', { name: 'More actions' }));
    await userEvent.click(screen.getByRole('menuitem', { name: 'Edit' }));
    const again = screen.getByRole('textbox', { name: 'Message text' });
    await userEvent.clear(again);
    await userEvent.type(again, 'hello{Enter}');
    await screen.findByText('hello', undefined, { timeout: 10_000 });
    // The new text shows as soon as it is saved locally; the mark comes with the server's answer.
    expect(await screen.findByText('edited')).toBeInTheDocument();
    // What went to the server is an envelope that opens to the new text, not the text.
    expect(sealed).not.toContain('hello');
    const opened = await openContent({ id: 'probe', conversationId: C, senderId: ME, content: sealed });
    expect(opened).toMatchObject({ state: 'opened', text: 'hello' });
  }, 20_000);
});

describe('the delete dialog', () => {
  it('deletes my recent message for everyone: the tombstone replaces it', async () => {
    const server = fakeServer();
    const mine = message({
      conversationId: C as Message['conversationId'],
      senderId: ME as Message['senderId'],
      content: 'oops',
      createdAt: minutesAgo(2),
    });
    useMessages.getState().receive(mine);
    server.on('DELETE', `/api/messages/${mine.id}`, (call) => {
      expect(call.query.get('for')).toBe('everyone');
      return { data: { ...mine, content: '', deletedAt: new Date().toISOString() } };
    });
    render(<LiveBubble id={mine.id} />);
    await userEvent.click(screen.getByRole('button', { name: 'More actions' }));
    await userEvent.click(screen.getByRole('menuitem', { name: 'Delete…' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete message?' });
    // Focus starts on Cancel, not on a destructive choice.
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete for everyone' }));
    await screen.findByText('This message was deleted', undefined, { timeout: 10_000 });
    expect(screen.queryByRole('dialog')).toBeNull();
  }, 20_000);

  it('offers only "Delete for me" for someone else’s message, and removes it from this device', async () => {
    const server = fakeServer();
    const theirs = message({
      conversationId: C as Message['conversationId'],
      senderId: BOB as Message['senderId'],
      content: 'from bob',
      createdAt: minutesAgo(2),
    });
    useMessages.getState().receive(theirs);
    server.on('DELETE', `/api/messages/${theirs.id}`, (call) => {
      expect(call.query.get('for')).toBe('me');
      return { data: null };
    });
    render(<LiveBubble id={theirs.id} />);
    await userEvent.click(screen.getByRole('button', { name: 'More actions' }));
    await userEvent.click(screen.getByRole('menuitem', { name: 'Delete…' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete message?' });
    expect(within(dialog).queryByRole('button', { name: 'Delete for everyone' })).toBeNull();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete for me' }));
    await screen.findByText('gone', undefined, { timeout: 10_000 });
  }, 20_000);
});
